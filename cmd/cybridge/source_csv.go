package main

import (
	"context"
	"errors"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
)

// readCSVSource is a placeholder until directory/csvfile lands (issue 3 helper replaces this file).
func (e *env) readCSVSource(ctx context.Context, cfg *config.Config, s *sourceFlags) (*directory.Snapshot, error) {
	return nil, errors.New("csv source not built yet")
}
