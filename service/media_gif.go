package service

import (
	"bytes"
	"encoding/binary"

	"github.com/convene-social/convene"
)

// GIF limits beyond the first frame, which is all image/gif's Decode reads: every frame must
// lie within the picture, and an animation may not ask viewers to decode without end.
const (
	maxGIFFrames      = 1000
	maxGIFFramePixels = 100_000_000 // the frames' areas added up
)

// cleanGIF walks every block of a GIF without decoding it: it refuses a frame outside the
// picture and an animation over the limits, and drops what is not picture or animation —
// comments, and application extensions but the looping one (NETSCAPE2.0, ANIMEXTS1.0), such
// as XMP — and anything after the trailer. The frames' data is copied byte for byte, so the
// animation stays as sent.
func cleanGIF(data []byte) ([]byte, error) {
	bad := convene.Errorf(convene.EINVALID, "the file is not a readable GIF image")
	if len(data) < 13 || (string(data[:6]) != "GIF87a" && string(data[:6]) != "GIF89a") {
		return nil, bad
	}
	width, height := int(binary.LittleEndian.Uint16(data[6:])), int(binary.LittleEndian.Uint16(data[8:]))
	i := 13 + colorTableSize(data[10])
	if i > len(data) {
		return nil, bad
	}
	out := append(make([]byte, 0, len(data)), data[:i]...)
	frames, pixels := 0, 0
	for i < len(data) {
		switch data[i] {
		case 0x3B: // trailer
			return append(out, 0x3B), nil
		case 0x2C: // a frame: its descriptor, colour table, code size and data
			if i+10 > len(data) {
				return nil, bad
			}
			d := data[i+1:]
			left, top := int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:]))
			w, h := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
			if w == 0 || h == 0 || left+w > width || top+h > height {
				return nil, convene.Errorf(convene.EINVALID, "a frame of the GIF lies outside the picture")
			}
			frames, pixels = frames+1, pixels+w*h
			if frames > maxGIFFrames || pixels > maxGIFFramePixels {
				return nil, convene.Errorf(convene.EINVALID, "the animation is too long: at most %d frames", maxGIFFrames)
			}
			start := i
			i += 10 + colorTableSize(data[i+9]) + 1 // descriptor, local colours, LZW code size
			end := subBlocksEnd(data, i)
			if end < 0 {
				return nil, bad
			}
			out, i = append(out, data[start:end]...), end
		case 0x21: // an extension: label, then sub-blocks
			if i+2 > len(data) {
				return nil, bad
			}
			end := subBlocksEnd(data, i+2)
			if end < 0 {
				return nil, bad
			}
			if keepGIFExtension(data[i+1], data[i+2:end]) {
				out = append(out, data[i:end]...)
			}
			i = end
		default:
			return nil, bad
		}
	}
	return nil, bad // no trailer
}

// colorTableSize is the size of the colour table a packed field announces.
func colorTableSize(packed byte) int {
	if packed&0x80 == 0 {
		return 0
	}
	return 3 << (packed&0x07 + 1)
}

// subBlocksEnd is where the sub-blocks starting at i end (after their zero terminator); -1
// when they run past the data.
func subBlocksEnd(data []byte, i int) int {
	for i < len(data) {
		n := int(data[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return -1
}

// keepGIFExtension keeps the extensions a picture or animation needs: graphic control (frame
// timing, transparency) and the looping application extension.
func keepGIFExtension(label byte, blocks []byte) bool {
	switch label {
	case 0xF9:
		return true
	case 0xFF:
		return len(blocks) >= 12 && blocks[0] == 11 &&
			(bytes.Equal(blocks[1:12], []byte("NETSCAPE2.0")) || bytes.Equal(blocks[1:12], []byte("ANIMEXTS1.0")))
	}
	return false
}
