package service

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/convene-social/convene"
)

// Upload limits, Mastodon's, which apps read from the instance document.
const (
	ImageSizeLimit   = 16 << 20 // bytes
	ImageMatrixLimit = 33177600 // pixels: 7680×4320
	smallSide        = 640      // the longest side of a preview
)

// SupportedMediaTypes are the uploads accepted: still and animated images. Video and audio
// would need transcoding, which Convene does not do.
var SupportedMediaTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// processedImage is an upload made safe to serve: re-encoded without its metadata (a
// phone's EXIF carries where the picture was taken), with a JPEG preview and a blurhash.
type processedImage struct {
	kind, contentType, ext string
	original               []byte
	width, height          int
	small                  []byte
	smallW, smallH         int
	blurhash               string
}

// processImage reads an upload (at most ImageSizeLimit bytes) and returns it processed. The
// type is sniffed from the bytes; the client's Content-Type and file name are never trusted.
func processImage(r io.Reader) (*processedImage, error) {
	data, format, img, err := decodeUpload(r)
	if err != nil {
		return nil, err
	}
	if format == "image/jpeg" {
		if o := jpegOrientation(data); o != 1 {
			img = orient(img, o) // turned by re-encoding: no tag left for viewers to miss
		} else if stripped, ok := stripJPEG(data); ok && sameJPEGSize(stripped, img) {
			return finishImage(format, stripped, img, true)
		}
	}
	if format == "image/gif" {
		if data, err = cleanGIF(data); err != nil {
			return nil, err
		}
		return finishImage(format, data, img, true)
	}
	return finishImage(format, data, img, false)
}

// decodeUpload reads an uploaded image (at most ImageSizeLimit bytes) and decodes it, with
// the type sniffed from the bytes and the pixel count checked before decoding.
func decodeUpload(r io.Reader) ([]byte, string, image.Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, ImageSizeLimit+1))
	if err != nil {
		return nil, "", nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > ImageSizeLimit {
		return nil, "", nil, convene.Errorf(convene.EINVALID, "the file is larger than %d MB", ImageSizeLimit>>20)
	}
	format := http.DetectContentType(data)
	codec, ok := imageCodecs[format]
	if !ok {
		return nil, "", nil, convene.Errorf(convene.EINVALID,
			"files of type %s are not supported: upload a JPEG, PNG, GIF or WebP image", format)
	}
	cfg, err := codec.config(bytes.NewReader(data))
	if err != nil {
		return nil, "", nil, convene.Errorf(convene.EINVALID, "the file is not a readable %s image", format)
	}
	// Checked before decoding: a few kilobytes of PNG can declare a picture that would take
	// gigabytes to decode.
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > ImageMatrixLimit {
		return nil, "", nil, convene.Errorf(convene.EINVALID, "the image is %d×%d pixels; the limit is %d pixels in all",
			cfg.Width, cfg.Height, ImageMatrixLimit)
	}
	img, err := codec.decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", nil, convene.Errorf(convene.EINVALID, "the file is not a readable %s image", format)
	}
	return data, format, img, nil
}

// sameJPEGSize checks that a stripped JPEG still declares the picture that was decoded.
func sameJPEGSize(stripped []byte, img image.Image) bool {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(stripped))
	return err == nil && cfg.Width == img.Bounds().Dx() && cfg.Height == img.Bounds().Dy()
}

// finishImage keeps data as the original when asked (a GIF as sent: re-encoding would lose its
// animation; a JPEG that stripJPEG cleaned), re-encodes img otherwise, and makes the preview
// and blurhash.
func finishImage(format string, data []byte, img image.Image, keep bool) (*processedImage, error) {
	p := &processedImage{kind: convene.MediaImage, contentType: format}
	b := img.Bounds()
	p.width, p.height = b.Dx(), b.Dy()
	var buf bytes.Buffer
	var err error
	switch {
	case keep && format == "image/gif":
		p.ext, p.original = "gif", data
	case keep:
		p.ext, p.original = "jpg", data
	case format == "image/png" || (format == "image/webp" && !isOpaque(img)):
		p.contentType, p.ext = "image/png", "png"
		err = png.Encode(&buf, img)
	default: // JPEG, and WebP without transparency: a photo
		p.contentType, p.ext = "image/jpeg", "jpg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		return nil, fmt.Errorf("encode image: %w", err)
	}
	if p.original == nil {
		p.original = buf.Bytes()
	}
	small := scaleDown(img, smallSide)
	var sb bytes.Buffer
	if err := jpeg.Encode(&sb, small, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("encode preview: %w", err)
	}
	p.small, p.smallW, p.smallH = sb.Bytes(), small.Bounds().Dx(), small.Bounds().Dy()
	p.blurhash = blurhashOf(scaleDown(small, 64), 4, 4)
	return p, nil
}

type imageCodec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// imageCodecs are the accepted formats, by sniffed type, called directly rather than
// through image.Decode's registry, so that nothing else a package registers gets decoded.
var imageCodecs = map[string]imageCodec{
	"image/jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"image/png":  {png.DecodeConfig, png.Decode},
	"image/gif":  {gif.DecodeConfig, gif.Decode}, // the first frame
	"image/webp": {webp.DecodeConfig, webp.Decode},
}

func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// scaleDown returns img on a white background (previews are JPEG: no transparency), scaled
// so that its longest side is at most side, never enlarged.
func scaleDown(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if longest := max(w, h); longest > side {
		w, h = max(1, w*side/longest), max(1, h*side/longest)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}
