package app

import (
	"context"

	"github.com/cybridge/cybridge/notify"
)

// Notifications lists up to limit notifications queued to the channels
// (sent, retrying or failed), newest first, older than the one with id
// before (0: from the newest).
func (a *App) Notifications(ctx context.Context, before int64, limit int) ([]notify.Delivery, error) {
	return a.store.ListDeliveriesBefore(ctx, before, limit)
}
