package planindex

import (
	"context"
	"sync"
)

// Cache keeps the indexes of the runs looked at last, at most MaxBytes of
// them (the newest one is kept whatever its size). Concurrent requests for
// a run not held yet wait for one build.
type Cache struct {
	max     int64
	mu      sync.Mutex
	tick    int64
	entries map[int64]*entry
}

type entry struct {
	ready chan struct{}
	x     *Index
	err   error
	used  int64
}

// NewCache returns a cache holding at most maxBytes of indexes.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, entries: map[int64]*entry{}}
}

// Get returns run id's index, built by build when the cache does not hold
// it. A failed build is not kept.
func (c *Cache) Get(ctx context.Context, id int64, build func() (*Index, error)) (*Index, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.tick++
	if ok {
		e.used = c.tick
		c.mu.Unlock()
		select {
		case <-e.ready:
			return e.x, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e = &entry{ready: make(chan struct{}), used: c.tick}
	c.entries[id] = e
	c.mu.Unlock()

	e.x, e.err = build()
	close(e.ready)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.err != nil {
		delete(c.entries, id)
		return nil, e.err
	}
	c.evict(id)
	return e.x, nil
}

// evict drops the least recently used built indexes until the rest fit,
// never keep's.
func (c *Cache) evict(keep int64) {
	for {
		var total int64
		oldest, at := int64(0), int64(-1)
		for id, e := range c.entries {
			select {
			case <-e.ready:
			default:
				continue // being built
			}
			if e.err != nil {
				continue
			}
			total += e.x.Size()
			if id != keep && (at < 0 || e.used < at) {
				oldest, at = id, e.used
			}
		}
		if total <= c.max || at < 0 {
			return
		}
		delete(c.entries, oldest)
	}
}

// Len is how many indexes the cache holds (tests).
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
