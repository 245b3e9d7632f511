package convene

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is the ULID alphabet: Crockford's base32, which sorts in byte order.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ids hands out ULIDs that increase strictly within this process, even for IDs made in the
// same millisecond: later lists page by "id < ?" and the Mastodon API promises ids that sort
// by creation time.
var ids idSource

type idSource struct {
	mu       sync.Mutex
	lastMS   uint64
	lastRand [10]byte
}

// NewID returns a new ULID (https://github.com/ulid/spec): 48 bits of Unix milliseconds then
// 80 random bits, as 26 characters that sort by time.
func NewID() string {
	return ids.next(time.Now())
}

// NewIDAt returns a ULID for the given time. Imports of old records use it so that their ids
// sort where their timestamps do.
func NewIDAt(t time.Time) string {
	return ids.next(t)
}

// FirstIDAt is the smallest ULID of time t: "id >= FirstIDAt(t)" keeps what was stored since
// t, through the primary key's index.
func FirstIDAt(t time.Time) string {
	return encodeULID(uint64(t.UnixMilli()), [10]byte{})
}

func (s *idSource) next(t time.Time) string {
	ms := uint64(t.UnixMilli())
	s.mu.Lock()
	defer s.mu.Unlock()
	var random [10]byte
	switch {
	case ms == s.lastMS && incrementRandom(&s.lastRand):
		// Same millisecond as the last id: count up so this one sorts after it.
		random = s.lastRand
	case ms < s.lastMS:
		// An earlier time (an import, or the clock stepping back): sort by that time and leave
		// the sequence of the current millisecond alone.
		mustRandom(random[:])
	default:
		mustRandom(s.lastRand[:])
		s.lastMS, random = ms, s.lastRand
	}
	return encodeULID(ms, random)
}

func mustRandom(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("convene: crypto/rand failed: " + err.Error())
	}
}

// incrementRandom adds one to the 80-bit random part; it reports false on overflow, which
// only 2^80 ids in one millisecond could cause.
func incrementRandom(r *[10]byte) bool {
	for i := len(r) - 1; i >= 0; i-- {
		r[i]++
		if r[i] != 0 {
			return true
		}
	}
	return false
}

func encodeULID(ms uint64, random [10]byte) string {
	var raw [16]byte
	var msBytes [8]byte
	binary.BigEndian.PutUint64(msBytes[:], ms)
	copy(raw[:6], msBytes[2:])
	copy(raw[6:], random[:])

	// 128 bits as 26 base32 digits: the first digit carries the top 3 bits.
	var out [26]byte
	hi := binary.BigEndian.Uint64(raw[:8])
	lo := binary.BigEndian.Uint64(raw[8:])
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// IDTime returns the time encoded in a ULID, and false if id is not one.
func IDTime(id string) (time.Time, bool) {
	if len(id) != 26 || id[0] > '7' {
		return time.Time{}, false
	}
	var ms uint64
	for i := 0; i < 10; i++ {
		v := decodeCrockford(id[i])
		if v < 0 {
			return time.Time{}, false
		}
		ms = ms<<5 | uint64(v)
	}
	for i := 10; i < 26; i++ {
		if decodeCrockford(id[i]) < 0 {
			return time.Time{}, false
		}
	}
	return time.UnixMilli(int64(ms)).UTC(), true
}

func decodeCrockford(c byte) int {
	for i := 0; i < len(crockford); i++ {
		if crockford[i] == c {
			return i
		}
	}
	return -1
}
