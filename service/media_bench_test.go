package service

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// BenchmarkProcessImage measures one upload of a phone photo (4032×3024 JPEG, 12 MP) from
// bytes to stored original, preview and blurhash: upright (EXIF orientation 1, stripped
// losslessly) and turned (orientation 6, a portrait photo from a phone that leaves the turn to
// viewers, so it is turned and re-encoded).
func BenchmarkProcessImage(b *testing.B) {
	for _, o := range []uint16{1, 6} {
		b.Run(map[uint16]string{1: "upright", 6: "turned"}[o], func(b *testing.B) { benchmarkProcessImage(b, o) })
	}
}

func benchmarkProcessImage(b *testing.B, orientation uint16) {
	img := image.NewRGBA(image.Rect(0, 0, 4032, 3024))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 31 % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	data := withExif(buf.Bytes(), orientation)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := processImage(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
