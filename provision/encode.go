package provision

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Plans of a whole directory hold hundreds of thousands of changes; they
// are encoded by hand (the same JSON encoding/json writes without HTML
// escaping) because reflection and per-value encoders took most of an
// apply's encoding time and memory.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json does
// (without HTML escaping).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendValue appends a field value: string, string list, bool, nil, or
// anything else through encoding/json.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']'), nil
	}
	j, err := marshalNoEscape(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

func appendFields(b []byte, fs Fields) ([]byte, error) {
	b = append(b, '{')
	var err error
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.Name)
		b = append(b, `:{"old":`...)
		if b, err = appendValue(b, f.Old); err != nil {
			return nil, err
		}
		b = append(b, `,"new":`...)
		if b, err = appendValue(b, f.New); err != nil {
			return nil, err
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendChange appends c as the JSON object of a change. "flags" and
// "fields" are always present, so every change has the same shape.
func appendChange(b []byte, c *Change) ([]byte, error) {
	b = append(b, `{"target":`...)
	b = appendString(b, c.Target)
	b = append(b, `,"kind":`...)
	b = appendString(b, c.Kind)
	b = append(b, `,"action":`...)
	b = appendString(b, string(c.Action))
	b = append(b, `,"key":`...)
	b = appendString(b, c.Key)
	if c.Label != "" {
		b = append(b, `,"label":`...)
		b = appendString(b, c.Label)
	}
	b = append(b, `,"reason":`...)
	b = appendString(b, c.Reason)
	b = append(b, `,"flags":`...)
	b, _ = appendValue(b, append([]string{}, c.Flags...))
	b = append(b, `,"fields":`...)
	b, err := appendFields(b, c.Fields)
	if err != nil {
		return nil, err
	}
	if c.ObjectID != "" {
		b = append(b, `,"object_id":`...)
		b = appendString(b, c.ObjectID)
	}
	if c.Link != nil {
		b = append(b, `,"link":{`...)
		if c.Link.ID != "" {
			b = append(b, `"id":`...)
			b = appendString(b, c.Link.ID)
			b = append(b, ',')
		}
		b = append(b, `"key":`...)
		b = appendString(b, c.Link.Key)
		b = append(b, '}')
	}
	if len(c.Data) > 0 {
		b = append(b, `,"data":`...)
		if !json.Valid(c.Data) {
			return nil, &json.UnsupportedValueError{Str: "change data is not JSON"}
		}
		b = append(b, c.Data...)
	}
	return append(b, '}'), nil
}
