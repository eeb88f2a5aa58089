package calendar

import (
	"context"
	"fmt"

	"github.com/cybridge/cybridge/provision"
)

// Counts are the overview's figures of the enrolments.
type Counts struct {
	// Enrolments are those of users still in the directory (an enrolment
	// of a user gone is kept, disabled, and not counted).
	Enrolments int `json:"enrolments"`
	// Permitted are those with 利用許可.
	Permitted int `json:"permitted"`
}

// Count counts the enrolments in one query, without reading them.
func Count(ctx context.Context, q provision.Querier) (Counts, error) {
	var c Counts
	err := q.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(permitted), 0) FROM calendar_enrolments WHERE gone_since IS NULL").Scan(&c.Enrolments, &c.Permitted)
	if err != nil {
		return Counts{}, fmt.Errorf("count the enrolments: %w", err)
	}
	return c, nil
}
