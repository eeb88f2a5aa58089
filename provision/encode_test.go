package provision

import (
	"bytes"
	"encoding/json"
	"testing"
)

// appendString must write what encoding/json writes (without HTML
// escaping), for every kind of character.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbs\fff\x00\x1f",
		"R&D/1 <b>", "日本語 ｶﾀｶﾅ 🙂", "bad \xff utf-8", "line\u2028sep\u2029"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendString(nil, s)); got != string(bytes.TrimRight(want.Bytes(), "\n")) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want.Bytes())
		}
	}
}

func TestChangeJSONRoundTrip(t *testing.T) {
	c := Change{Target: "safety", Kind: "member", Action: Update, Key: "k", Reason: ReasonLink,
		Fields:   Fields{{Name: "departments", Old: []string{"a"}, New: []string{}}, {Name: "ok", Old: false, New: true}, {Name: "n", Old: nil, New: "x"}},
		ObjectID: "7", Link: &DirRef{ID: "1", Key: "k"}, Data: json.RawMessage(`{"a":1}`)}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"target":"safety","kind":"member","action":"update","key":"k","reason":"link","flags":[],"fields":{"departments":{"old":["a"],"new":[]},"ok":{"old":false,"new":true},"n":{"old":null,"new":"x"}},"object_id":"7","link":{"id":"1","key":"k"},"data":{"a":1}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back Change
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(back); string(b2) != want {
		t.Errorf("round trip: %s", b2)
	}
}
