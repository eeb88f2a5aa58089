package scimapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
)

// OpKind is what an Op does to a resource.
type OpKind string

// The kinds of Op.
const (
	OpCreate  OpKind = "create"  // POST /{Resource}
	OpPatch   OpKind = "patch"   // PATCH /{Resource}/{ID} with Patch
	OpReplace OpKind = "replace" // PUT /{Resource}/{ID} with Body
	OpDelete  OpKind = "delete"  // DELETE /{Resource}/{ID}
)

// PatchOperation is one operation of a PATCH request (RFC 7644 §3.5.2):
// Op is "add", "replace" or "remove"; Path may be empty for add and
// replace, when Value is a map of attributes; Value is omitted when nil.
type PatchOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// Op is one write.
type Op struct {
	Kind     OpKind
	Resource string // "Users" or "Groups"
	ID       string // for patch, replace and delete
	Version  string // sent as If-Match when non-empty
	Body     any    // a User or Group, for create and replace
	Patch    []PatchOperation
}

// Result is one Op's outcome: the resource's id and new version, and the
// service's reply body (empty for a delete or a 204), or Err. Version is
// meta.version of the reply, else its ETag header; it is empty after a
// 204 without an ETag (a PATCH that changed nothing may answer so).
type Result struct {
	ID, Version string
	Body        json.RawMessage
	Err         error
}

// Run executes ops with at most Concurrency in flight and returns one
// Result per op, in op order. Each request is retried as do says; a
// failed op does not stop the others. A canceled ctx fails the ops not yet
// sent with the canceled code.
func (c *Client) Run(ctx context.Context, ops []Op) []Result {
	results := make([]Result, len(ops))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(c.Concurrency(), len(ops)) {
		wg.Go(func() {
			for i := range next {
				results[i] = c.run(ctx, ops[i])
			}
		})
	}
	for i := range ops {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// run carries out one op.
func (c *Client) run(ctx context.Context, op Op) Result {
	if op.Resource != "Users" && op.Resource != "Groups" {
		return Result{ID: op.ID, Err: fmt.Errorf("scim op %s: unknown resource %q", op.Kind, op.Resource)}
	}
	path := "/" + op.Resource
	var (
		method string
		body   any
	)
	switch op.Kind {
	case OpCreate:
		method, body = http.MethodPost, op.Body
	case OpReplace:
		method, body = http.MethodPut, op.Body
	case OpPatch:
		method, body = http.MethodPatch, struct {
			Schemas    []string         `json:"schemas"`
			Operations []PatchOperation `json:"Operations"`
		}{[]string{SchemaPatchOp}, op.Patch}
	case OpDelete:
		method = http.MethodDelete
	default:
		return Result{ID: op.ID, Err: fmt.Errorf("scim op: unknown kind %q", op.Kind)}
	}
	if op.Kind != OpCreate {
		if op.ID == "" {
			return Result{Err: fmt.Errorf("scim op %s %s: no id", op.Kind, op.Resource)}
		}
		path += "/" + url.PathEscape(op.ID)
	}
	rep, err := c.do(ctx, method, path, nil, body, op.Version)
	if err != nil {
		return Result{ID: op.ID, Err: err}
	}
	res := Result{ID: op.ID, Version: rep.version()}
	if len(rep.body) > 0 {
		res.Body = rep.body
		var v struct{ ID string }
		if json.Unmarshal(rep.body, &v) == nil && v.ID != "" {
			res.ID = v.ID
		}
	}
	if op.Kind == OpCreate && res.ID == "" {
		return Result{Err: protocolError(rep, c.params(method, path), keyProtocolBody, nil)}
	}
	return res
}
