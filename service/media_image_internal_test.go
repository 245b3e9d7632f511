package service

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif puts an APP1 Exif segment after a JPEG's SOI: IFD0 holds Orientation and a
// pointer to a GPS IFD whose latitude reference is followed by a recognisable marker.
func withExif(jpg []byte, orientation uint16) []byte {
	le := binary.LittleEndian
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	ifd0 := make([]byte, 2+2*12+4)
	le.PutUint16(ifd0, 2)
	le.PutUint16(ifd0[2:], 0x0112) // Orientation, SHORT, 1
	le.PutUint16(ifd0[4:], 3)
	le.PutUint32(ifd0[6:], 1)
	le.PutUint16(ifd0[10:], orientation)
	le.PutUint16(ifd0[14:], 0x8825) // GPS IFD pointer, LONG
	le.PutUint16(ifd0[16:], 4)
	le.PutUint32(ifd0[18:], 1)
	le.PutUint32(ifd0[22:], uint32(8+len(ifd0)))
	gps := []byte("\x01\x00\x01\x00\x02\x00\x02\x00\x00\x00N\x00\x00\x00\x00\x00\x00\x00GPS-51.5074N-0.1278W")
	tiff = append(append(tiff, ifd0...), gps...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, app1...), seg...)
	return append(out, jpg[2:]...)
}

func TestProcessImageStripsExifGPSAndAppliesOrientation(t *testing.T) {
	in := withExif(encodeJPEG(t, testImage(40, 20)), 6)
	if !bytes.Contains(in, []byte("GPS-51.5074N")) || jpegOrientation(in) != 6 {
		t.Fatal("the test image lacks its EXIF")
	}
	p, err := processImage(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.original, []byte("GPS-51.5074N")) || bytes.Contains(p.original, []byte("Exif")) {
		t.Error("the stored original still carries the EXIF (and its GPS position)")
	}
	if p.contentType != "image/jpeg" || p.ext != "jpg" || p.kind != convene.MediaImage {
		t.Errorf("type = %s %s %s", p.contentType, p.ext, p.kind)
	}
	// Orientation 6 means "turn a quarter clockwise": the 40×20 picture stands 20×40.
	if p.width != 20 || p.height != 40 {
		t.Errorf("size = %d×%d, want 20×40 after orientation", p.width, p.height)
	}
	out, err := jpeg.Decode(bytes.NewReader(p.original))
	if err != nil || out.Bounds().Dx() != 20 {
		t.Errorf("original decodes as %v, %v", out.Bounds(), err)
	}
}

func TestOrientSourceTurnsEachWay(t *testing.T) {
	// A 3×2 picture whose top-left pixel is marked: where it lands for each orientation.
	want := map[int][2]int{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}}
	for o, at := range want {
		src := image.NewRGBA(image.Rect(0, 0, 3, 2))
		src.Set(0, 0, color.White)
		out := orient(src, o)
		if r, _, _, _ := out.At(at[0], at[1]).RGBA(); r != 0xffff {
			t.Errorf("orientation %d: the marked pixel is not at %v", o, at)
		}
	}
}

// pngHeader is a PNG that declares w×h pixels and holds no image data at all.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		body := append([]byte(typ), data...)
		out = append(out, body...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	return append(out, chunk("IEND", nil)...)
}

func TestProcessImageRefusesDecompressionBombBeforeDecoding(t *testing.T) {
	// 100000×100000 RGBA would need 40 GB; the file is 57 bytes. It has no pixel data, so
	// only a check of the declared size (not a decode) can answer "too many pixels".
	_, err := processImage(bytes.NewReader(pngHeader(100000, 100000)))
	if convene.ErrorCode(err) != convene.EINVALID || !strings.Contains(convene.ErrorMessage(err), "pixels") {
		t.Fatalf("bomb = %v, want EINVALID about pixels", err)
	}
	_, err = processImage(bytes.NewReader(pngHeader(7681, 4320)))
	if !strings.Contains(convene.ErrorMessage(err), "pixels") {
		t.Errorf("one pixel column over the matrix limit = %v", err)
	}
}

func TestProcessImageRefusesWhatIsNotAnImage(t *testing.T) {
	for name, data := range map[string][]byte{
		"text named .png": []byte("hello, I am a text file called picture.png\n"),
		"html":            []byte("<html><script>alert(1)</script></html>"),
		"mp4":             append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 64)...),
		"empty":           nil,
		"truncated jpeg":  encodeJPEG(t, testImage(8, 8))[:40],
	} {
		_, err := processImage(bytes.NewReader(data))
		if convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	_, err := processImage(io.LimitReader(zeros{}, ImageSizeLimit+1))
	if convene.ErrorCode(err) != convene.EINVALID || !strings.Contains(convene.ErrorMessage(err), "larger") {
		t.Errorf("a file over 16 MB = %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestProcessImageKeepsGIFAsSent(t *testing.T) {
	pal := color.Palette{color.Black, color.White}
	frames := []*image.Paletted{image.NewPaletted(image.Rect(0, 0, 30, 10), pal), image.NewPaletted(image.Rect(0, 0, 30, 10), pal)}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: frames, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	p, err := processImage(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.original, b.Bytes()) || p.contentType != "image/gif" || p.width != 30 || p.height != 10 {
		t.Errorf("gif came out as %s %d×%d, same bytes %v", p.contentType, p.width, p.height, bytes.Equal(p.original, b.Bytes()))
	}
	if _, err := jpeg.Decode(bytes.NewReader(p.small)); err != nil {
		t.Errorf("the gif's preview is not a JPEG: %v", err)
	}
}

func TestProcessImageMakesBoundedPreview(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(2000, 1000)); err != nil {
		t.Fatal(err)
	}
	p, err := processImage(&b)
	if err != nil {
		t.Fatal(err)
	}
	if p.contentType != "image/png" || p.width != 2000 || p.height != 1000 {
		t.Errorf("original = %s %d×%d", p.contentType, p.width, p.height)
	}
	small, err := jpeg.Decode(bytes.NewReader(p.small))
	if err != nil || small.Bounds().Dx() != 640 || small.Bounds().Dy() != 320 || p.smallW != 640 || p.smallH != 320 {
		t.Errorf("preview = %v (%d×%d), %v; want 640×320 JPEG", small.Bounds(), p.smallW, p.smallH, err)
	}
	if len(p.blurhash) != 4+2*16 {
		t.Errorf("blurhash %q", p.blurhash)
	}
	// A small picture is never enlarged.
	tiny := scaleDown(testImage(30, 50), smallSide)
	if tiny.Bounds().Dx() != 30 || tiny.Bounds().Dy() != 50 {
		t.Errorf("a 30×50 preview became %v", tiny.Bounds())
	}
}

func TestProcessImageReadsWebP(t *testing.T) {
	// The 1×1 lossless WebP that Modernizr uses to detect support.
	data, _ := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	p, err := processImage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if p.width != 1 || p.height != 1 || (p.contentType != "image/png" && p.contentType != "image/jpeg") {
		t.Errorf("webp came out as %s %d×%d", p.contentType, p.width, p.height)
	}
}

func TestBlurhash(t *testing.T) {
	black := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := 3; i < len(black.Pix); i += 4 {
		black.Pix[i] = 255
	}
	// A single colour has no AC components: size flag "U" (4×4), maximum 0, DC 0, and
	// every AC the neutral value "fQ", as in the reference implementation.
	if got, want := blurhashOf(black, 4, 4), "U00000"+strings.Repeat("fQ", 15); got != want {
		t.Errorf("black = %q, want %q", got, want)
	}
	red := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < len(red.Pix); i += 4 {
		red.Pix[i], red.Pix[i+3] = 200, 255
	}
	h := blurhashOf(red, 4, 3)
	if len(h) != 4+2*12 || h[0] != 'L' {
		t.Fatalf("4×3 hash %q", h)
	}
	if dc := decode83(h[2:6]); dc>>16 != 200 || dc&0xffff != 0 {
		t.Errorf("average colour of the red square = %06x, want c80000", dc)
	}
	// Light on the left, dark on the right: the first horizontal component is positive.
	split := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 8 {
			split.Set(x, y, color.White)
			split.Set(x+8, y, color.Black)
		}
	}
	if ac := decode83(blurhashOf(split, 4, 3)[6:8]); ac/(19*19) <= 9 {
		t.Errorf("the left-right split's first AC (red) = %d, want above the neutral 9", ac/(19*19))
	}
}

func decode83(s string) int {
	v := 0
	for _, c := range s {
		v = v*83 + strings.IndexRune(blurhashChars, c)
	}
	return v
}

// FuzzJPEGOrientation: the EXIF reader walks untrusted bytes; it must never panic and only
// ever answer an orientation from 1 to 8.
func FuzzJPEGOrientation(f *testing.F) {
	f.Add(withExif([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 6))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Add([]byte("\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00MM\x00\x2A\xFF\xFF\xFF\xFF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
