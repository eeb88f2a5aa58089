package cybozutest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxSize is the largest page the list endpoints serve.
const maxSize = 100

// route answers an authenticated GET.
func (s *Sim) route(w http.ResponseWriter, r *http.Request, seq int64, acct account) {
	v := s.current()
	q := r.URL.Query()
	switch r.URL.Path {
	case "/v1/users.json":
		if s.opts.EndlessUsers != "" {
			s.serveEndless(w, seq, q)
			return
		}
		s.serveList(w, seq, q, "users", v.users)
	case "/v1/organizations.json":
		s.serveList(w, seq, q, "organizations", v.orgs)
	case "/v1/groups.json":
		s.serveList(w, seq, q, "groups", v.groups)
	case "/v1/organization/users.json":
		oi, off, size, ok := s.lookupPage(w, seq, q, v.orgByCode, "組織")
		if !ok {
			return
		}
		ms := page(v.orgMembers[oi], off, size)
		writeOK(w, list("userTitles", len(ms), func(b []byte, i int) []byte {
			b = append(append(b, `{"user":`...), v.users[ms[i].pos].json...)
			return append(append(append(b, `,"title":`...), v.title(ms[i].title)...), '}')
		}))
	case "/v1/group/users.json":
		gi, off, size, ok := s.lookupPage(w, seq, q, v.groupByCode, "グループ")
		if !ok {
			return
		}
		ps := page(v.groupMembers[gi], off, size)
		writeOK(w, list("users", len(ps), func(b []byte, i int) []byte { return append(b, v.users[ps[i]].json...) }))
	case "/v1/user/organizations.json":
		ui, ok := s.lookup(w, seq, q, v.userByLogin, "ユーザー")
		if !ok {
			return
		}
		ms := v.userOrgs[ui]
		writeOK(w, list("organizationTitles", len(ms), func(b []byte, i int) []byte {
			b = append(append(b, `{"organization":`...), v.orgs[ms[i].pos].json...)
			return append(append(append(b, `,"title":`...), v.title(ms[i].title)...), '}')
		}))
	case "/v1/user/groups.json":
		ui, ok := s.lookup(w, seq, q, v.userByLogin, "ユーザー")
		if !ok {
			return
		}
		gs := v.userGroups[ui]
		writeOK(w, list("groups", len(gs), func(b []byte, i int) []byte { return append(b, v.groups[gs[i]].json...) }))
	case "/v1/csv/title.csv":
		if (s.opts.NonAdmin && !acct.token) || (s.opts.TokenNoCSV && acct.token) {
			s.writeError(w, seq, http.StatusForbidden, "CB_NO02", "権限がありません。", nil)
			return
		}
		writeBody(w, http.StatusOK, "text/csv; charset=utf-8", v.titleCSV)
	default:
		s.writeError(w, seq, http.StatusNotFound, "CB_NF01", "指定したAPIが見つかりません。", nil)
	}
}

// paging reads offset and size; a bad value is answered 400 CB_VA01.
func (s *Sim) paging(w http.ResponseWriter, seq int64, q url.Values) (off, size int, ok bool) {
	size = maxSize
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSize {
			s.validation(w, seq, "size", "1以上100以下の整数を指定してください。")
			return 0, 0, false
		}
		size = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.validation(w, seq, "offset", "0以上の整数を指定してください。")
			return 0, 0, false
		}
		off = n
	}
	return off, size, true
}

func page[T any](all []T, off, size int) []T {
	if off >= len(all) {
		return nil
	}
	end := min(off+size, len(all))
	return all[off:end]
}

// lookup finds the object named by the required code parameter (already
// percent-decoded by net/url).
func (s *Sim) lookup(w http.ResponseWriter, seq int64, q url.Values, by map[string]int, what string) (int, bool) {
	code := q.Get("code")
	if code == "" {
		s.validation(w, seq, "code", "必須です。")
		return 0, false
	}
	i, ok := by[code]
	if !ok {
		s.validation(w, seq, "code", "指定した"+what+"（code: "+code+"）が見つかりません。")
		return 0, false
	}
	return i, true
}

// lookupPage is lookup then paging, for the paged per-object endpoints.
func (s *Sim) lookupPage(w http.ResponseWriter, seq int64, q url.Values, by map[string]int, what string) (i, off, size int, ok bool) {
	if i, ok = s.lookup(w, seq, q, by, what); !ok {
		return 0, 0, 0, false
	}
	off, size, ok = s.paging(w, seq, q)
	return i, off, size, ok
}

// serveList answers users.json, organizations.json or groups.json: all
// objects in ascending id, or those named by ids[n] / codes[n], paged.
func (s *Sim) serveList(w http.ResponseWriter, seq int64, q url.Values, key string, all []item) {
	off, size, ok := s.paging(w, seq, q)
	if !ok {
		return
	}
	ids, codes := indexed(q, "ids"), indexed(q, "codes")
	if len(ids) > 0 && len(codes) > 0 {
		s.validation(w, seq, "ids", "idsとcodesは同時に指定できません。")
		return
	}
	if len(ids) > maxSize || len(codes) > maxSize {
		s.validation(w, seq, "codes", "100件以下で指定してください。")
		return
	}
	sel := all
	if len(ids) > 0 || len(codes) > 0 {
		want := map[string]bool{}
		for _, x := range append(ids, codes...) {
			want[x] = true
		}
		sel = nil
		for _, it := range all {
			if (len(ids) > 0 && want[it.id]) || (len(codes) > 0 && want[it.code]) {
				sel = append(sel, it)
			}
		}
	}
	items := page(sel, off, size)
	writeOK(w, list(key, len(items), func(b []byte, i int) []byte { return append(b, items[i].json...) }))
}

func writeOK(w http.ResponseWriter, body []byte) {
	writeBody(w, http.StatusOK, "application/json; charset=utf-8", body)
}

// indexed collects name[0]=a&name[1]=b (also name[]=a) values.
func indexed(q url.Values, name string) []string {
	var out []string
	for k, vs := range q {
		if strings.HasPrefix(k, name+"[") && strings.HasSuffix(k, "]") {
			out = append(out, vs...)
		}
	}
	return out
}

// serveEndless answers users.json with a full page at every offset: the
// first page again (EndlessRepeat) or new users (EndlessFresh).
func (s *Sim) serveEndless(w http.ResponseWriter, seq int64, q url.Values) {
	off, size, ok := s.paging(w, seq, q)
	if !ok {
		return
	}
	if s.opts.EndlessUsers == EndlessRepeat {
		off = 0
	}
	writeOK(w, list("users", size, func(b []byte, i int) []byte {
		n := off + i + 1
		u, _ := json.Marshal(apiUser{ID: strconv.Itoa(n), Code: fmt.Sprintf("endless%07d", n), Valid: true, Name: fmt.Sprintf("Endless %d", n),
			Timezone: "Asia/Tokyo", Locale: "ja", CustomItemValues: []apiCustomItem{}})
		return append(b, u...)
	}))
}
