package service

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// BenchmarkProcessImage measures one upload of a phone photo (4032×3024 JPEG, 12 MP) from
// bytes to re-encoded original, preview and blurhash, with EXIF orientation 6 (a portrait
// photo, the common case from a phone), so the turn is included.
func BenchmarkProcessImage(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4032, 3024))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 31 % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	data := withExif(buf.Bytes(), 6)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := processImage(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
