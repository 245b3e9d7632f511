package service

import (
	"bytes"
	"encoding/binary"
)

// stripJPEG rewrites a JPEG without its metadata, losslessly: the picture's own segments
// (quantization and Huffman tables, frame, scans, restart interval) are copied byte for byte,
// and of the application segments only those that say how to read the colours stay — JFIF
// (APP0), an ICC profile (APP2 "ICC_PROFILE") and Adobe's (APP14). EXIF with its GPS position,
// XMP, IPTC, comments and maker notes go, and so does anything after the end of the image
// (phones append depth maps and previews there, each with EXIF of its own). Re-encoding would
// do the same at the cost of most of an upload's time and some quality. ok is false when the
// file is not laid out as a JPEG must be, or uses a segment this does not know; the caller
// then re-encodes.
func stripJPEG(data []byte) (out []byte, ok bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, false
	}
	out = make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
	for i := 2; ; {
		for i < len(data) && data[i] == 0xFF && i+1 < len(data) && data[i+1] == 0xFF {
			i++ // fill bytes before a marker
		}
		if i+2 > len(data) || data[i] != 0xFF {
			return nil, false
		}
		marker := data[i+1]
		if marker == 0xD9 { // end of image: what follows is not the picture
			return append(out, 0xFF, 0xD9), true
		}
		if i+4 > len(data) {
			return nil, false
		}
		end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if end < i+4 || end > len(data) {
			return nil, false
		}
		keep, known := jpegSegmentKept(marker, data[i+4:end])
		if !known {
			return nil, false
		}
		if keep {
			out = append(out, data[i:end]...)
		}
		i = end
		if marker == 0xDA { // a scan: its entropy-coded data runs to the next real marker
			j := scanEnd(data, i)
			if j < 0 {
				return nil, false
			}
			out = append(out, data[i:j]...)
			i = j
		}
	}
}

// jpegSegmentKept says whether a segment stays, and whether this is a segment it knows.
func jpegSegmentKept(marker byte, payload []byte) (keep, known bool) {
	switch {
	case marker == 0xDB, marker == 0xC4, marker == 0xDD, marker == 0xCC, marker == 0xDA:
		return true, true // tables, restart interval, arithmetic conditioning, scan header
	case marker >= 0xC0 && marker <= 0xCF: // frames (C4, C8, CC handled or reserved)
		return marker != 0xC8, marker != 0xC8
	case marker == 0xE0:
		return bytes.HasPrefix(payload, []byte("JFIF\x00")), true
	case marker == 0xE2:
		return bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00")), true
	case marker == 0xEE:
		return bytes.HasPrefix(payload, []byte("Adobe")), true
	case marker >= 0xE1 && marker <= 0xEF, marker == 0xFE:
		return false, true // other application data and comments: metadata
	}
	return false, false
}

// scanEnd finds where a scan's entropy-coded data starting at i ends: at the first marker
// that is neither a stuffed 0xFF (FF00) nor a restart marker (FFD0–FFD7); -1 if none.
func scanEnd(data []byte, i int) int {
	for ; i+1 < len(data); i++ {
		if data[i] != 0xFF {
			continue
		}
		if next := data[i+1]; next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7) {
			return i
		}
	}
	return -1
}
