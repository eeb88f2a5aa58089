package web

import (
	"net/http"
	"strconv"

	"github.com/cybridge/cybridge/internal/msg"
)

// NotificationsPerPage is how many notifications a page of the console's
// list shows; the API's default limit.
const NotificationsPerPage = 50

// maxNotifications caps the API's limit.
const maxNotifications = 500

// notificationsData is the /notifications page: one page, newest first,
// and the cursor of the next (older) one.
type notificationsData struct {
	Items []Notification
	// Older is the ?before= of the next page (0: this is the last);
	// Newest says whether this is the first page.
	Older  int64
	Newest bool
}

// notificationsPage lists the notifications sent or failing, newest
// first, one page at a time (?before=ID pages on: the list grows at its
// head, so a cursor stays where a page number would shift).
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request, sess *session) {
	before, err := beforeParam(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, older, err := s.notifications(r, before, NotificationsPerPage)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "notifications", sess, notificationsData{Items: items, Older: older, Newest: before == 0})
}

// notifications reads one page and the cursor of the next (0: none).
func (s *Server) notifications(r *http.Request, before int64, limit int) ([]Notification, int64, error) {
	items, err := s.o.Backend.Notifications(r.Context(), before, limit+1)
	if err != nil {
		return nil, 0, err
	}
	var older int64
	if len(items) > limit {
		items = items[:limit]
		older = items[limit-1].ID
	}
	return items, older, nil
}

func beforeParam(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("before")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, invalid("api.before", msg.Params{"value": v})
	}
	return n, nil
}

// notificationList is GET /api/v1/notifications: newest first; Next is
// the ?before= of the next page (absent on the last).
type notificationList struct {
	Notifications []Notification `json:"notifications"`
	Next          int64          `json:"next_before,omitempty"`
}

// apiNotifications answers GET /api/v1/notifications[?limit=N&before=ID].
func (s *Server) apiNotifications(r *http.Request) (reply, error) {
	before, err := beforeParam(r)
	if err != nil {
		return reply{}, err
	}
	limit := NotificationsPerPage
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxNotifications {
			return reply{}, invalid("api.limit", msg.Params{"value": v, "max": maxNotifications})
		}
		limit = n
	}
	items, older, err := s.notifications(r, before, limit)
	if err != nil {
		return reply{}, err
	}
	if items == nil {
		items = []Notification{}
	}
	return ok(notificationList{Notifications: items, Next: older}), nil
}
