package service

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"testing"
)

// withSegment puts an application segment (marker and payload) right after a JPEG's SOI.
func withSegment(jpg []byte, marker byte, payload string) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, seg...), payload...)
	return append(out, jpg[2:]...)
}

func samePixels(t *testing.T, a, b []byte) {
	t.Helper()
	ia, err := jpeg.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the stripped JPEG does not decode: %v", err)
	}
	ya, yb := ia.(*image.YCbCr), ib.(*image.YCbCr)
	if ia.Bounds() != ib.Bounds() || !bytes.Equal(ya.Y, yb.Y) || !bytes.Equal(ya.Cb, yb.Cb) || !bytes.Equal(ya.Cr, yb.Cr) {
		t.Error("stripping changed the picture")
	}
}

func TestStripJPEGDropsMetadataAndKeepsThePicture(t *testing.T) {
	plain := encodeJPEG(t, testImage(64, 48))
	in := withExif(plain, 1)
	in = withSegment(in, 0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>XMP-GPS-51.5N</x:xmpmeta>")
	in = withSegment(in, 0xED, "Photoshop 3.0\x00IPTC-city-Guildford")
	in = withSegment(in, 0xFE, "COMMENT-secret")
	in = withSegment(in, 0xE2, "ICC_PROFILE\x00\x01\x01profile-bytes")
	in = withSegment(in, 0xE2, "MPF\x00depth-map-index")
	in = withSegment(in, 0xE0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	in = append(in, append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x0A}, "GPS-APPENDED\xFF\xD9"...)...) // a phone's second picture

	out, ok := stripJPEG(in)
	if !ok {
		t.Fatal("a well-formed JPEG was not stripped")
	}
	for _, secret := range []string{"GPS-51.5074N", "XMP-GPS", "IPTC-city", "COMMENT-secret", "depth-map", "GPS-APPENDED", "Exif"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("%q is still in the stripped JPEG", secret)
		}
	}
	for _, kept := range []string{"ICC_PROFILE", "JFIF"} {
		if !bytes.Contains(out, []byte(kept)) {
			t.Errorf("%q, which says how to read the colours, was dropped", kept)
		}
	}
	if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
		t.Error("the stripped JPEG does not end with its end-of-image marker")
	}
	samePixels(t, plain, out)

	// processImage keeps an upright JPEG's pixels as they are: the stored original is the
	// stripped file, not a re-encoding.
	p, err := processImage(bytes.NewReader(in))
	if err != nil || !bytes.Equal(p.original, out) || p.width != 64 || p.height != 48 {
		t.Errorf("processed = %v; want the stripped original at 64×48", err)
	}
}

func TestStripJPEGRefusesWhatItDoesNotKnow(t *testing.T) {
	plain := encodeJPEG(t, testImage(8, 8))
	for name, in := range map[string][]byte{
		"not a JPEG":      []byte("GIF89a"),
		"truncated":       plain[:len(plain)/2],
		"no end":          plain[:len(plain)-2],
		"unknown segment": withSegment(plain, 0xDE, "hierarchical"),
		"bad length":      append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, plain[2:]...),
	} {
		if _, ok := stripJPEG(in); ok {
			t.Errorf("%s: stripped", name)
		}
	}
}

// FuzzStripJPEG: whatever arrives, stripping never panics, and what it keeps begins and ends
// as a JPEG does.
func FuzzStripJPEG(f *testing.F) {
	f.Add(withExif([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 1))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0x00, 0xFF, 0xD0, 0xFF, 0xD9})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, ok := stripJPEG(data)
		if ok && (!bytes.HasPrefix(out, []byte{0xFF, 0xD8}) || !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) || len(out) > len(data)) {
			t.Fatalf("stripped %x into %x", data, out)
		}
	})
}
