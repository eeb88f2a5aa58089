package scimtest

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	scimfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

// apply carries out one PATCH operation the library has parsed and
// validated, by RFC 7644 §3.5.2: without a path the value is a map of
// attribute paths (or extension URNs) to values; with one, the path names
// an attribute, a sub-attribute, or the elements of a multi-valued
// attribute selected by a value filter.
func (h *handler) apply(attrs map[string]any, op scim.PatchOperation) error {
	if op.Path != nil {
		return h.applyPath(attrs, op.Op, *op.Path, op.Value)
	}
	values, ok := op.Value.(map[string]any)
	if !ok {
		return scimerrors.ScimErrorInvalidValue
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		if ext, ok := h.extension(key); ok {
			sub, _ := values[key].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(sub)) {
				uri := ext.ID
				path := filter.Path{AttributePath: filter.AttributePath{URIPrefix: &uri, AttributeName: name}}
				if err := h.applyPath(attrs, op.Op, path, sub[name]); err != nil {
					return err
				}
			}
			continue
		}
		path, err := filter.ParsePath([]byte(key))
		if err != nil {
			return scimerrors.ScimErrorInvalidPath
		}
		if err := h.applyPath(attrs, op.Op, path, values[key]); err != nil {
			return err
		}
	}
	return nil
}

func (h *handler) extension(uri string) (schema.Schema, bool) {
	for _, ext := range h.exts {
		if strings.EqualFold(ext.ID, uri) {
			return ext, true
		}
	}
	return schema.Schema{}, false
}

// applyPath applies op to the attribute p names.
func (h *handler) applyPath(attrs map[string]any, op string, p filter.Path, value any) error {
	op = strings.ToLower(op)
	container, sch := attrs, h.schema
	if uri := p.AttributePath.URI(); uri != "" && !strings.EqualFold(uri, h.schema.ID) {
		ext, ok := h.extension(uri)
		if !ok {
			return scimerrors.ScimErrorInvalidPath
		}
		sch = ext
		m, _ := attrs[ext.ID].(map[string]any)
		if m == nil {
			if op == scim.PatchOperationRemove {
				return nil
			}
			m = map[string]any{}
		}
		attrs[ext.ID] = m
		container = m
		defer func() {
			if len(m) == 0 {
				delete(attrs, ext.ID)
			}
		}()
	}
	attr, known := attribute(sch, p.AttributePath.AttributeName)
	name := p.AttributePath.AttributeName
	if known {
		name = attr.Name()
	} else if strings.EqualFold(name, schema.CommonAttributeExternalID) {
		name = schema.CommonAttributeExternalID
	}

	if sub := p.AttributePath.SubAttributeName(); sub != "" { // name.givenName
		parent, _ := container[name].(map[string]any)
		if parent == nil {
			if op == scim.PatchOperationRemove {
				return nil
			}
			parent = map[string]any{}
		}
		sub = subName(attr, known, sub)
		if op == scim.PatchOperationRemove {
			delete(parent, sub)
		} else {
			parent[sub] = value
		}
		setOrDelete(container, name, parent)
		return nil
	}

	if p.ValueExpression != nil { // emails[type eq "work"], members[value eq "x"]
		if !known {
			return scimerrors.ScimErrorInvalidPath
		}
		return applyFiltered(container, name, attr, sch.ID, op, p, value)
	}

	switch {
	case op == scim.PatchOperationRemove:
		delete(container, name)
	case known && attr.MultiValued() && op == scim.PatchOperationAdd:
		list, _ := container[name].([]any)
		for _, v := range asSlice(value) {
			if !slices.ContainsFunc(list, func(have any) bool { return sameJSON(have, v) }) {
				list = append(list, v)
			}
		}
		container[name] = list
	case known && !attr.MultiValued() && attr.HasSubAttributes():
		// A complex singular value: the given sub-attributes replace or are
		// added; the others are unmodified (RFC 7644 §3.5.2.1, §3.5.2.3).
		merged, _ := container[name].(map[string]any)
		if merged == nil {
			merged = map[string]any{}
		}
		if m, ok := asJSON(value).(map[string]any); ok {
			maps.Copy(merged, m)
		}
		setOrDelete(container, name, merged)
	default:
		container[name] = value
	}
	return nil
}

// applyFiltered applies op to the elements of the multi-valued attribute
// name that pass p's value filter, evaluated by the library's validator. No
// matching element is a 400 noTarget (RFC 7644 §3.5.2.2, §3.5.2.3).
func applyFiltered(container map[string]any, name string, attr schema.CoreAttribute, schemaID, op string, p filter.Path, value any) error {
	v := scimfilter.NewFilterValidator(p.ValueExpression, schema.Schema{ID: schemaID, Attributes: scimfilter.MultiValuedFilterAttributes(attr)})
	list, _ := container[name].([]any)
	sub := ""
	if p.SubAttribute != nil {
		sub = subName(attr, true, *p.SubAttribute)
	}
	var kept []any
	matched := false
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok || v.PassesFilter(m) != nil {
			kept = append(kept, el)
			continue
		}
		matched = true
		switch {
		case op == scim.PatchOperationRemove && sub == "":
			continue // the element goes
		case op == scim.PatchOperationRemove:
			delete(m, sub)
		case sub != "":
			m[sub] = value
		case op == scim.PatchOperationReplace:
			if nm, ok := asJSON(value).(map[string]any); ok {
				m = nm
			}
		default: // add with a filter: the given sub-attributes are merged
			if nm, ok := asJSON(value).(map[string]any); ok {
				maps.Copy(m, nm)
			}
		}
		kept = append(kept, m)
	}
	if !matched {
		return scimerrors.ScimErrorNoTarget
	}
	if len(kept) == 0 {
		delete(container, name)
	} else {
		container[name] = kept
	}
	return nil
}

// attribute is the schema attribute called name (case-insensitive).
func attribute(s schema.Schema, name string) (schema.CoreAttribute, bool) {
	for _, a := range s.Attributes {
		if strings.EqualFold(a.Name(), name) {
			return a, true
		}
	}
	return schema.CoreAttribute{}, false
}

// subName is sub spelled as the schema spells it.
func subName(attr schema.CoreAttribute, known bool, sub string) string {
	if known && attr.HasSubAttributes() {
		if a, ok := attr.SubAttributes().ContainsAttribute(sub); ok {
			return a.Name()
		}
	}
	return sub
}

func setOrDelete(container map[string]any, name string, m map[string]any) {
	if len(m) == 0 {
		delete(container, name)
		return
	}
	container[name] = m
}

// asJSON is v as encoding/json decodes it.
func asJSON(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var out any
	if d.Decode(&out) != nil {
		return v
	}
	return out
}

// asSlice is v as a list: a multi-valued value, or one value.
func asSlice(v any) []any {
	switch l := asJSON(v).(type) {
	case []any:
		return l
	case nil:
		return nil
	default:
		return []any{l}
	}
}

func sameJSON(a, b any) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return bytes.Equal(ra, rb)
}
