package provision

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// The plan's JSON form (SPEC §8.1): what plan -out writes, apply -plan
// reads, and runs store. The model is plan.go; the hand-written encoder
// the streaming writer uses is encode.go.

// FormatVersion is the version of the plan JSON written by this build.
// A plan file with another version is refused.
const FormatVersion = 1

// MarshalJSON writes the fields as an object in order.
func (fs Fields) MarshalJSON() ([]byte, error) { return appendFields(nil, fs) }

// UnmarshalJSON reads the object back keeping the key order.
func (fs *Fields) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil {
		return err
	} else if t == nil {
		*fs = nil
		return nil
	} else if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("fields: want an object")
	}
	var out Fields
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var v struct {
			Old any `json:"old"`
			New any `json:"new"`
		}
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("field %q: %w", name, err)
		}
		out = append(out, FieldDiff{Name: name, Old: v.Old, New: v.New})
	}
	*fs = out
	return nil
}

// MarshalJSON keeps "flags" a list and "fields" an object even when empty,
// so that the JSON shape is the same for every change.
func (c Change) MarshalJSON() ([]byte, error) { return appendChange(nil, &c) }

// WriteJSON writes the plan as indented JSON (the SPEC §8.1 shape), as
// json.Encoder with SetIndent("", "  ") and no HTML escaping writes it,
// byte for byte, but one change at a time: the encoder would hold a whole
// directory's plan twice over (~100 MB compact, ~200 MB indented), which
// took `plan -format json` to 836 MB at 100,000 users.
func (p *Plan) WriteJSON(w io.Writer) error {
	head := *p
	head.Changes = nil
	if p.Changes == nil {
		return WriteJSONStream(w, &head, nil)
	}
	return WriteJSONStream(w, &head, func(yield func([]byte) error) error {
		var cb []byte
		var err error
		for j := range p.Changes {
			if cb, err = appendChange(cb[:0], &p.Changes[j]); err != nil {
				return err
			}
			if err := yield(cb); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteJSONStream writes a plan as WriteJSON does from its head (a plan
// without changes) and its changes as compact JSON, which changes yields
// one at a time (nil: the plan has a null list). The console's download
// streams a stored plan through it without decoding it.
func WriteJSONStream(w io.Writer, head *Plan, changes func(yield func([]byte) error) error) error {
	b, err := marshalNoEscape(head)
	if err != nil {
		return err
	}
	var ib bytes.Buffer
	if err := json.Indent(&ib, b, "", "  "); err != nil {
		return err
	}
	b = ib.Bytes()
	const hole = `"changes": null`
	i := bytes.Index(b, []byte(hole))
	if i < 0 || changes == nil {
		_, err := w.Write(append(b, '\n'))
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(b[:i])
	bw.WriteString(`"changes": [`)
	n := 0
	var ind bytes.Buffer
	err = changes(func(c []byte) error {
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		bw.WriteString("\n    ")
		ind.Reset()
		if err := json.Indent(&ind, c, "    ", "  "); err != nil {
			return err
		}
		_, err := bw.Write(ind.Bytes())
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteByte(']')
	bw.Write(b[i+len(hole):])
	bw.WriteByte('\n')
	return bw.Flush()
}

// MarshalCompact returns the plan as compact JSON.
func (p *Plan) MarshalCompact() ([]byte, error) {
	var b bytes.Buffer
	if err := p.EncodeCompact(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// EncodeCompact writes the plan as compact JSON, one change at a time, so
// that a plan of a whole directory (200,000 changes, ~100 MB of JSON) is
// never held as one buffer: runs store plans through a compressor.
func (p *Plan) EncodeCompact(w io.Writer) error { return p.EncodeCompactMarked(w, 0, nil) }

// EncodeCompactMarked is EncodeCompact that calls mark(i) before change i
// for every i that is a multiple of every (every > 0): all the JSON before
// the change, up to and including the comma that separates it from the one
// before, has been written to w then, and the change's own JSON starts
// with the next byte w receives. The store uses the marks to cut a stored
// plan into pieces that are read on their own (sqlite: plan chunks).
func (p *Plan) EncodeCompactMarked(w io.Writer, every int, mark func(i int) error) error {
	head := *p
	head.Changes = nil
	b, err := marshalNoEscape(&head)
	if err != nil {
		return err
	}
	const hole = `"changes":null`
	i := bytes.Index(b, []byte(hole))
	if i < 0 {
		return fmt.Errorf("encode plan: no changes key")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(b[:i])
	bw.WriteString(`"changes":[`)
	var cb []byte
	for j := range p.Changes {
		if j > 0 {
			bw.WriteByte(',')
		}
		if mark != nil && every > 0 && j%every == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
			if err := mark(j); err != nil {
				return err
			}
		}
		if cb, err = appendChange(cb[:0], &p.Changes[j]); err != nil {
			return err
		}
		bw.Write(cb)
	}
	bw.WriteByte(']')
	bw.Write(b[i+len(hole):])
	return bw.Flush()
}

// marshalNoEscape is json.Marshal without HTML escaping (plans are not
// HTML; names like "R&D/1" stay readable).
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// ReadPlan decodes a plan written by WriteJSON, refusing other format
// versions.
func ReadPlan(r io.Reader) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(r)
	if err := dec.Decode(&p); err != nil {
		return nil, &Error{Code: CodePlanFormat, Message: fmt.Sprintf("the plan file is not a cybridge plan (%v); write one with cybridge plan -out FILE", err)}
	}
	if p.FormatVersion != FormatVersion {
		return nil, &Error{Code: CodePlanFormat, Message: fmt.Sprintf("the plan file has format version %d; this cybridge reads version %d: make the plan again with this version", p.FormatVersion, FormatVersion)}
	}
	return &p, nil
}
