package convene

import (
	"sync"
	"time"
)

// zones caches the time zones loaded so far. time.LoadLocation reads and parses the tz data
// on every call, which made naming the times of a list of events cost more than fetching
// them. Only zones that load are kept, so the cache holds at most the tz database's names.
var zones sync.Map // name → *time.Location

// LoadZone is time.LoadLocation, cached.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
