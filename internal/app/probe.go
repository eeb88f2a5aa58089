package app

import (
	"context"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/directory/cybozu"
)

// Probe sends cybozu.Probe's few read-only requests to the configured
// domain (SPEC §3.3: check -probe) and returns what it answered. The
// configuration must allow an API read; an expired client certificate or
// a broken one is the error, as for a read.
func Probe(ctx context.Context, cfg *config.Config) (*cybozu.ProbeReport, error) {
	c, err := apiClient(cfg, nil)
	if err != nil {
		return nil, err
	}
	return c.Probe(ctx), nil
}
