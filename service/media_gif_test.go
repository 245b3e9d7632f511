package service

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"

	"github.com/convene-social/convene"
)

// animatedGIF is a looping two-frame 10×10 GIF.
func animatedGIF(t *testing.T) []byte {
	t.Helper()
	pal := color.Palette{color.Black, color.White}
	var frames []*image.Paletted
	for i := range 2 {
		f := image.NewPaletted(image.Rect(0, 0, 10, 10), pal)
		f.SetColorIndex(i, i, 1)
		frames = append(frames, f)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: frames, Delay: []int{10, 10}, LoopCount: 0}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// beforeTrailer puts raw blocks just before a GIF's trailer.
func beforeTrailer(g []byte, blocks ...[]byte) []byte {
	out := append([]byte{}, g[:len(g)-1]...)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, 0x3B)
}

func TestCleanGIFKeepsTheAnimationAndDropsTheRest(t *testing.T) {
	in := beforeTrailer(animatedGIF(t),
		append([]byte{0x21, 0xFE, 14}, "COMMENT-secret\x00"...),
		append(append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...), append([]byte{9}, "XMP-GPS-1\x00"...)...))
	in = append(in, "trailing-junk"...)
	out, err := cleanGIF(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"COMMENT-secret", "XMP", "trailing-junk"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("%q is still in the GIF", gone)
		}
	}
	if !bytes.Contains(out, []byte("NETSCAPE2.0")) {
		t.Error("the looping extension was dropped")
	}
	g, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil || len(g.Image) != 2 || g.Delay[1] != 10 {
		t.Fatalf("the cleaned GIF = %v frames, %v", len(g.Image), err)
	}
	p, err := processImage(bytes.NewReader(in))
	if err != nil || !bytes.Equal(p.original, out) || p.contentType != "image/gif" {
		t.Errorf("processed GIF: %v; want the cleaned animation kept", err)
	}
}

func TestCleanGIFRefusesFramesOutsideThePictureAndEndlessAnimations(t *testing.T) {
	// A 10×10 GIF whose second frame claims 4000×4000: image/gif's Decode reads only the
	// first, so nothing else would notice.
	huge := []byte{0x2C, 0, 0, 0, 0, 0xA0, 0x0F, 0xA0, 0x0F, 0, 2, 2, 0x4C, 0x01, 0}
	if _, err := processImage(bytes.NewReader(beforeTrailer(animatedGIF(t), huge))); convene.ErrorCode(err) != convene.EINVALID {
		t.Errorf("a frame outside the picture = %v, want EINVALID", err)
	}
	small := []byte{0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0}
	var many [][]byte
	for range maxGIFFrames {
		many = append(many, small)
	}
	if _, err := cleanGIF(beforeTrailer(animatedGIF(t), many...)); convene.ErrorCode(err) != convene.EINVALID {
		t.Errorf("%d frames = %v, want EINVALID", maxGIFFrames+2, err)
	}
	for name, in := range map[string][]byte{
		"no trailer":     animatedGIF(t)[:30],
		"unknown block":  beforeTrailer(animatedGIF(t), []byte{0x99}),
		"not a GIF":      []byte("PNG....."),
		"cut sub-blocks": beforeTrailer(animatedGIF(t), []byte{0x21, 0xFE, 40, 'x'}),
	} {
		if _, err := cleanGIF(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzCleanGIF: whatever arrives, cleaning never panics and what it keeps ends a GIF.
func FuzzCleanGIF(f *testing.F) {
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02L\x01\x00;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if out, err := cleanGIF(data); err == nil && (len(out) > len(data) || out[len(out)-1] != 0x3B) {
			t.Fatalf("cleaned %x into %x", data, out)
		}
	})
}
