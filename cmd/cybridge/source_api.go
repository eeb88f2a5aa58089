package main

import (
	"context"
	"errors"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory"
)

// readAPISource is a placeholder until directory/cybozu lands (issue 2 helper replaces this file).
func (e *env) readAPISource(ctx context.Context, cfg *config.Config) (*directory.Snapshot, error) {
	return nil, errors.New("api source not built yet")
}
