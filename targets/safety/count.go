package safety

import (
	"context"
	"fmt"

	"github.com/cybridge/cybridge/provision"
)

// CountMembers is how many members the roster has (roster-only ones
// included): the overview's figure, without reading the roster whole.
func CountMembers(ctx context.Context, q provision.Querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM safety_members").Scan(&n); err != nil {
		return 0, fmt.Errorf("count the roster's members: %w", err)
	}
	return n, nil
}
