package safety

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/cybridge/cybridge/provision"
)

// Department is one roster department. The root has IsRoot set, code ""
// and ParentID 0.
type Department struct {
	ID       int64
	Code     string
	Name     string
	ParentID int64
	IsRoot   bool
}

// Member is one roster member. Departments are department ids, sorted:
// membership is a set (the roster shows no order).
type Member struct {
	ID          int64
	Login       string
	Name        string
	Reading     string
	Email       string
	Phone       string
	Departments []int64
}

// State is the roster as loaded: what the planner reads.
type State struct {
	RootID      int64
	Departments []Department // by id
	Members     []Member     // by id
	digest      string
}

// Digest identifies the roster content the planner depends on (not memos,
// sort orders, passwords or times).
func (s *State) Digest() string { return s.digest }

var _ provision.State = (*State)(nil)

// Load reads the whole roster.
func Load(ctx context.Context, q provision.Querier) (*State, error) {
	st := &State{}
	if err := loadDepartments(ctx, q, st); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, login, name, reading, email, phone FROM safety_members ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read members: %w", err)
	}
	idx, err := scanMembers(rows, st)
	if err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, "SELECT member_id, department_id FROM safety_memberships ORDER BY member_id, department_id")
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	if err := scanMemberships(rows, st, idx); err != nil {
		return nil, err
	}
	st.digest = st.computeDigest()
	return st, nil
}

// loadDepartments reads every department into st.
func loadDepartments(ctx context.Context, q provision.Querier, st *State) error {
	rows, err := q.QueryContext(ctx, "SELECT id, code, name, coalesce(parent_id, 0), is_root FROM safety_departments ORDER BY id")
	if err != nil {
		return fmt.Errorf("read departments: %w", err)
	}
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.ParentID, &d.IsRoot); err != nil {
			rows.Close()
			return err
		}
		if d.IsRoot {
			st.RootID = d.ID
		}
		st.Departments = append(st.Departments, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if st.RootID == 0 {
		return fmt.Errorf("the roster has no root department; the database is damaged")
	}
	return nil
}

// scanMembers appends the members rows hold (id, login, name, reading,
// email, phone) to st, closing rows; idx is each one's index in
// st.Members by id.
func scanMembers(rows *sql.Rows, st *State) (map[int64]int, error) {
	defer rows.Close()
	idx := map[int64]int{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Login, &m.Name, &m.Reading, &m.Email, &m.Phone); err != nil {
			return nil, err
		}
		idx[m.ID] = len(st.Members)
		st.Members = append(st.Members, m)
	}
	return idx, rows.Err()
}

// scanMemberships adds the memberships rows hold (member id, department
// id) to the members of st, closing rows.
func scanMemberships(rows *sql.Rows, st *State, idx map[int64]int) error {
	defer rows.Close()
	for rows.Next() {
		var mid, did int64
		if err := rows.Scan(&mid, &did); err != nil {
			return err
		}
		if i, ok := idx[mid]; ok {
			st.Members[i].Departments = append(st.Members[i].Departments, did)
		}
	}
	return rows.Err()
}

func (s *State) computeDigest() string {
	h := sha256.New()
	var buf [8]byte
	num := func(n int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	for _, d := range s.Departments {
		num(d.ID)
		str(h, d.Code)
		str(h, d.Name)
		num(d.ParentID)
	}
	h.Write([]byte{0xff})
	for _, m := range s.Members {
		num(m.ID)
		str(h, m.Login)
		str(h, m.Name)
		str(h, m.Reading)
		str(h, m.Email)
		str(h, m.Phone)
		num(int64(len(m.Departments)))
		for _, d := range m.Departments {
			num(d)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// str writes a length-prefixed string so that field boundaries are part of
// the digest.
func str(h hash.Hash, s string) {
	var buf [4]byte
	binary.LittleEndian.PutUint32(buf[:], uint32(len(s)))
	h.Write(buf[:])
	h.Write([]byte(s))
}
