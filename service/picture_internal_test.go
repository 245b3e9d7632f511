package service

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// A phone's portrait photo is stored on its side with EXIF saying to turn it: the picture
// is cut from it as it is seen, not as it is stored.
func TestPicturesAreTurnedAsTheirEXIFSays(t *testing.T) {
	stored := image.NewRGBA(image.Rect(0, 0, 600, 300))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, stored, nil); err != nil {
		t.Fatal(err)
	}
	for orientation, want := range map[uint16]image.Point{1: {600, 200}, 6: {300, 100}} {
		data, _, err := processPicture(bytes.NewReader(withExif(buf.Bytes(), orientation)), pictureSizes["header"])
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != want.X || cfg.Height != want.Y {
			t.Errorf("orientation %d: header %d×%d (%v), want %d×%d", orientation, cfg.Width, cfg.Height, err, want.X, want.Y)
		}
	}
}

func BenchmarkProcessPicture(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4032, 3024))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 31 % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := processPicture(bytes.NewReader(buf.Bytes()), pictureSizes["avatar"]); err != nil {
			b.Fatal(err)
		}
	}
}
