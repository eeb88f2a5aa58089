package app

import (
	"context"

	"github.com/cybridge/cybridge/notify"
	"github.com/cybridge/cybridge/provision/web"
)

// Notifications lists up to limit notifications queued to the channels
// (sent, retrying or failed), newest first, older than the one with id
// before (0: from the newest).
func (a *App) Notifications(ctx context.Context, before int64, limit int) ([]notify.Delivery, error) {
	return a.store.ListDeliveriesBefore(ctx, before, limit)
}

// DeliveryState is a notification's state as the surfaces say it:
// pending (not tried yet), retrying (an attempt failed, another is
// due), sent or failed (every attempt failed).
func DeliveryState(d notify.Delivery) string {
	if d.Status == notify.DeliveryPending && d.Attempts > 0 {
		return web.NotificationRetrying
	}
	return string(d.Status)
}
