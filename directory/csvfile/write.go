package csvfile

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/text/transform"

	"github.com/cybridge/cybridge/directory"
)

// WriteOptions say how Write lays out export files. The zero value writes
// what cybozu.com writes by default: Shift_JIS, comma, CRLF line ends, a
// Japanese header row.
type WriteOptions struct {
	Encoding  string // "" = shift_jis; also utf-8, latin1, gbk
	Separator string // "" = comma; also semicolon, tab, space
	NoHeader  bool   // leave out the header row
	English   bool   // English header names (as an English-language export)
	LF        bool   // LF line ends instead of CRLF
	BOM       bool   // start a UTF-8 file with a byte order mark
}

// WriteDir writes the snapshot as the six export files, named as
// cybozu.com names them, into dir, and returns their paths. It is the
// inverse of Read (ids are not written: exports have none), used to make
// test fixtures and benchmark data.
func WriteDir(dir string, snap *directory.Snapshot, opt WriteOptions) (Files, error) {
	var files Files
	for k := Kind(0); k < numKinds; k++ {
		path := filepath.Join(dir, k.FileName())
		if err := writeFile(path, k, snap, opt); err != nil {
			return Files{}, err
		}
		files.Set(k, path)
	}
	return files, nil
}

func writeFile(path string, k Kind, snap *directory.Snapshot, opt WriteOptions) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := Write(bw, k, snap, opt); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Write writes one export file of the snapshot to w.
func Write(w io.Writer, k Kind, snap *directory.Snapshot, opt WriteOptions) error {
	enc := encShiftJIS
	if opt.Encoding != "" {
		var err error
		if enc, err = parseEncoding(opt.Encoding); err != nil {
			return err
		}
		if enc == encAuto {
			enc = encShiftJIS
		}
	}
	sep := ','
	if opt.Separator != "" {
		var err error
		if sep, err = parseSeparator(opt.Separator); err != nil {
			return err
		}
		if sep == 0 {
			sep = ','
		}
	}
	out := w
	var tw *transform.Writer
	if e := enc.encoder(); e != nil {
		tw = transform.NewWriter(w, e)
		out = tw
	} else if opt.BOM {
		if _, err := w.Write(utf8BOM); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(out)
	cw.Comma = sep
	cw.UseCRLF = !opt.LF
	header, rows := exportRows(k, snap, opt.English)
	if !opt.NoHeader {
		if err := cw.Write(header); err != nil {
			return err
		}
	}
	for _, row := range rows {
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("%s cannot hold %q: %w", enc, row, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("%s cannot hold some text: %w", enc, err)
	}
	if tw != nil {
		return tw.Close()
	}
	return nil
}

// headerName is a column's header name in the chosen language.
func headerName(c column, english bool) string {
	if !english {
		return c.ja
	}
	for _, n := range c.names {
		if isASCII([]byte(n)) {
			return n
		}
	}
	return c.ja
}

func headerOf(cols []column, english bool) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = headerName(c, english)
	}
	return h
}

// exportRows lays out one file.
func exportRows(k Kind, snap *directory.Snapshot, english bool) (header []string, rows [][]string) {
	switch k {
	case KindUsers:
		return userRows(snap, english)
	case KindOrgs:
		header = headerOf(orgColumns, english)
		for _, o := range orgsParentsFirst(snap) {
			rows = append(rows, []string{o.Code, o.Name, "*", o.LocalName, "", o.ParentCode, o.Description})
		}
	case KindTitles:
		header = headerOf(titleColumns, english)
		for _, t := range snap.Titles {
			rows = append(rows, []string{t.Code, t.Name, "*", "", ""})
		}
	case KindGroups:
		header = headerOf(groupColumns, english)
		for _, g := range snap.Groups {
			typ := g.Type
			if typ == "" {
				typ = "static"
				if g.Code == directory.EveryoneGroup {
					typ = "dynamic"
				}
			}
			rows = append(rows, []string{g.Code, g.Name, "*", typ, "", ""})
		}
	case KindUserOrgs:
		most := 0
		for _, u := range snap.Users {
			row := []string{u.Login}
			for _, m := range primaryFirst(u) {
				row = append(row, m.OrgCode, m.TitleCode)
			}
			most = max(most, len(u.Memberships))
			rows = append(rows, row)
		}
		header = []string{membershipHeader(k, 0, english)}
		for i := 1; i <= 2*max(most, 1); i++ {
			header = append(header, membershipHeader(k, i, english))
		}
	case KindUserGroups:
		groups := map[string][]string{}
		for _, g := range snap.Groups {
			for _, l := range g.Members {
				groups[l] = append(groups[l], g.Code)
			}
		}
		most := 0
		for _, u := range snap.Users {
			rows = append(rows, append([]string{u.Login}, groups[u.Login]...))
			most = max(most, len(groups[u.Login]))
		}
		header = []string{membershipHeader(k, 0, english)}
		for i := 1; i <= max(most, 1); i++ {
			header = append(header, membershipHeader(k, i, english))
		}
	}
	return header, rows
}

func membershipHeader(k Kind, col int, english bool) string {
	if !english {
		return membershipName(k, col)
	}
	switch {
	case col == 0:
		return "Login Name"
	case k == KindUserGroups:
		return "Group Code " + strconv.Itoa(col)
	case col%2 == 1:
		return "Department Code " + strconv.Itoa((col+1)/2)
	default:
		return "Job Title Code " + strconv.Itoa(col/2)
	}
}

// primaryFirst returns the memberships with the primary organization first.
func primaryFirst(u directory.User) []directory.Membership {
	ms := u.Memberships
	for i, m := range ms {
		if m.OrgCode == u.PrimaryOrg && i > 0 {
			out := append([]directory.Membership{m}, ms[:i]...)
			return append(out, ms[i+1:]...)
		}
	}
	return ms
}

// orgsParentsFirst lists organizations parents before children, as the
// import requires (「親組織は、子組織よりも上の行に記載します」).
func orgsParentsFirst(snap *directory.Snapshot) []directory.Organization {
	ix := directory.NewIndex(snap)
	var out []directory.Organization
	done := map[string]bool{}
	var walk func(parent string)
	walk = func(parent string) {
		for _, c := range ix.Children[parent] {
			if done[c] {
				continue
			}
			done[c] = true
			out = append(out, *ix.Orgs[c])
			walk(c)
		}
	}
	walk("")
	for _, o := range snap.Organizations { // unreachable: cycles, unknown parents
		if !done[o.Code] {
			out = append(out, o)
		}
	}
	return out
}

// userRows lays out user.csv: the 25 documented columns, then one column
// per custom item code (in order of first appearance).
func userRows(snap *directory.Snapshot, english bool) (header []string, rows [][]string) {
	var codes []string
	seen := map[string]bool{}
	for _, u := range snap.Users {
		for _, c := range u.CustomItems {
			if !seen[c.Code] {
				seen[c.Code] = true
				codes = append(codes, c.Code)
			}
		}
	}
	header = append(headerOf(userColumns, english), codes...)
	for _, u := range snap.Users {
		valid := "0"
		if u.Valid {
			valid = "1"
		}
		sortOrder := ""
		if u.SortOrder != nil {
			sortOrder = strconv.Itoa(*u.SortOrder)
		}
		row := []string{
			u.Login, u.DisplayName, "*", "", u.Surname, u.GivenName, u.SurnameReading, u.GivenNameReading,
			"", "", u.Email, valid, "", "", u.Phone, u.Extension, u.Mobile, "", u.EmployeeNumber,
			u.JoinDate, u.BirthDate, "", sortOrder, "", "",
		}
		values := map[string]string{}
		for _, c := range u.CustomItems {
			values[c.Code] = c.Value
		}
		for _, c := range codes {
			row = append(row, values[c])
		}
		rows = append(rows, row)
	}
	return header, rows
}
