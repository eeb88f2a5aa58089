package app

import (
	"context"
	"sort"
	"strings"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision/history"
	"github.com/cybridge/cybridge/provision/sqlite"
	"github.com/cybridge/cybridge/targets/calendar"
	"github.com/cybridge/cybridge/targets/safety"
)

// personKinds are the kinds whose key is a person's login.
func personKinds() []string { return []string{safety.KindMember, calendar.KindEnrolment} }

// PersonHistory finds the people query names (by login, display name or
// e-mail address) and returns each one's history, newest first, at most
// limit entries each (history.DefaultLimit when limit < 1): the changes
// applied runs made to them, merged with their calendar enrolment's edits
// outside runs. See package history for which people a query shows.
// A query that matches nobody is an empty report, not an error.
func (a *App) PersonHistory(ctx context.Context, query string, limit int) (history.Report, error) {
	query = strings.TrimSpace(query)
	if limit < 1 {
		limit = history.DefaultLimit
	}
	rep := history.Report{Query: query, People: []history.Person{}}
	refs, total, err := a.store.People(ctx, personKinds(), query, history.MaxPeople)
	if err != nil {
		return rep, err
	}
	for _, r := range refs {
		if strings.EqualFold(r.Login, query) {
			refs, total = refs[:0], 1
			refs = append(refs, r)
			break
		}
	}
	rep.Matched, rep.Narrow = total, total > len(refs)
	for _, r := range refs {
		p := history.Person{Login: r.Login, Name: r.Name, Email: r.Email, Changes: r.Changes, History: []history.Entry{}}
		if !rep.Narrow {
			if p.History, p.More, err = a.personEntries(ctx, r.Login, limit); err != nil {
				return rep, err
			}
		}
		rep.People = append(rep.People, p)
	}
	return rep, nil
}

// personEntries is login's history, newest first, at most limit entries,
// and whether older ones were left out.
func (a *App) personEntries(ctx context.Context, login string, limit int) ([]history.Entry, bool, error) {
	recs, err := a.store.PersonChanges(ctx, personKinds(), login, limit+1)
	if err != nil {
		return nil, false, err
	}
	out := make([]history.Entry, 0, len(recs))
	for _, r := range recs {
		out = append(out, history.FromChange(r.RunID, r.At, r.Trigger, r.Change))
	}
	if a.editor != nil {
		hist, err := a.editor.History(ctx, login)
		if err != nil {
			return nil, false, err
		}
		for _, h := range hist {
			if h.RunID == 0 { // a run's rows are its changes, listed above
				out = append(out, history.FromEnrolment(h))
			}
		}
	}
	// Newest first; a run's changes keep their plan order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// PersonHistory is App.PersonHistory for the console and the API.
func (c *Console) PersonHistory(ctx context.Context, query string, limit int) (history.Report, error) {
	return c.app.PersonHistory(ctx, query, limit)
}

// Changes reads the feed of applied changes after the cursor after ("" =
// the start), at most limit changes (history.DefaultFeedLimit when
// limit < 1, at most history.MaxFeedLimit). See package history.
func (a *App) Changes(ctx context.Context, after string, limit int) (history.Feed, error) {
	run, seq, ok := history.ParseCursor(after)
	if !ok {
		return history.Feed{}, &msg.Error{Kind: msg.KindInvalid, Code: msg.CodeInvalidInput, Key: "feed.bad_cursor", Params: msg.Params{"cursor": after}}
	}
	if limit < 1 {
		limit = history.DefaultFeedLimit
	}
	limit = min(limit, history.MaxFeedLimit)
	recs, _, err := a.store.ChangesAfter(ctx, sqlite.FeedCursor{Run: run, Seq: seq}, limit+1)
	if err != nil {
		return history.Feed{}, err
	}
	feed := history.Feed{After: after, Changes: []history.FeedChange{}, Next: after, More: len(recs) > limit}
	if feed.More {
		recs = recs[:limit]
	}
	for _, r := range recs {
		feed.Changes = append(feed.Changes, history.FeedChange{Cursor: history.Cursor(r.RunID, r.Seq), RunID: r.RunID, At: r.At, Trigger: r.Trigger, Change: r.Change})
	}
	if n := len(feed.Changes); n > 0 {
		feed.Next = feed.Changes[n-1].Cursor
	}
	return feed, nil
}

// Changes is App.Changes for the API.
func (c *Console) Changes(ctx context.Context, after string, limit int) (history.Feed, error) {
	return c.app.Changes(ctx, after, limit)
}
