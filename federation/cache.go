package federation

import "sync"

// boundedCache is a map that forgets everything when it grows past its limit. Keys here come
// from peers (keyIds), so an unbounded map would let anyone grow our memory; clearing at
// once is cruder than LRU but cheap, and every entry can be recomputed.
type boundedCache struct {
	mu sync.Mutex
	m  map[string]any
}

// boundedCacheSize bounds each cache; a few thousand active peers fit easily.
const boundedCacheSize = 10000

func (c *boundedCache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *boundedCache) put(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= boundedCacheSize {
		c.m = make(map[string]any)
	}
	c.m[key] = v
}

func (c *boundedCache) delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}
