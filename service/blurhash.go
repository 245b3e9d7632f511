package service

import (
	"image"
	"math"
	"strings"
)

// Blurhash (https://blurha.sh) is the short string apps draw as a placeholder while an image
// loads: the image's average colour and its lowest cosine frequencies, quantised and written
// in base 83. This follows the algorithm's published description; Mastodon sends 4×4
// components for images, and so do we.

const blurhashChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

// blurhashOf encodes img with nx×ny components (each 1…9).
func blurhashOf(img *image.RGBA, nx, ny int) string {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return ""
	}
	linear := linearPixels(img)
	factors := make([][3]float64, 0, nx*ny)
	for j := range ny {
		for i := range nx {
			factors = append(factors, blurhashFactor(linear, w, h, i, j))
		}
	}
	var sb strings.Builder
	sb.WriteString(base83((nx-1)+(ny-1)*9, 1))
	maxValue := 1.0
	if ac := factors[1:]; len(ac) > 0 {
		actualMax := 0.0
		for _, f := range ac {
			actualMax = math.Max(actualMax, math.Max(math.Abs(f[0]), math.Max(math.Abs(f[1]), math.Abs(f[2]))))
		}
		quantised := int(math.Max(0, math.Min(82, math.Floor(actualMax*166-0.5))))
		maxValue = float64(quantised+1) / 166
		sb.WriteString(base83(quantised, 1))
	} else {
		sb.WriteString(base83(0, 1))
	}
	sb.WriteString(base83(encodeDC(factors[0]), 4))
	for _, f := range factors[1:] {
		sb.WriteString(base83(encodeAC(f, maxValue), 2))
	}
	return sb.String()
}

// linearPixels converts img's sRGB pixels to linear light, three floats per pixel.
func linearPixels(img *image.RGBA) []float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var table [256]float64
	for v := range table {
		table[v] = srgbToLinear(v)
	}
	out := make([]float64, 0, w*h*3)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for x := range w {
			out = append(out, table[row[x*4]], table[row[x*4+1]], table[row[x*4+2]])
		}
	}
	return out
}

// blurhashFactor is the (i, j) cosine component of the image, per channel.
func blurhashFactor(linear []float64, w, h, i, j int) [3]float64 {
	cosX := make([]float64, w)
	for x := range w {
		cosX[x] = math.Cos(math.Pi * float64(i) * float64(x) / float64(w))
	}
	var sum [3]float64
	for y := range h {
		cy := math.Cos(math.Pi * float64(j) * float64(y) / float64(h))
		row := linear[y*w*3 : (y+1)*w*3]
		for x := range w {
			basis := cosX[x] * cy
			sum[0] += basis * row[x*3]
			sum[1] += basis * row[x*3+1]
			sum[2] += basis * row[x*3+2]
		}
	}
	norm := 2.0
	if i == 0 && j == 0 {
		norm = 1
	}
	scale := norm / float64(w*h)
	return [3]float64{sum[0] * scale, sum[1] * scale, sum[2] * scale}
}

func encodeDC(c [3]float64) int {
	return linearToSRGB(c[0])<<16 + linearToSRGB(c[1])<<8 + linearToSRGB(c[2])
}

func encodeAC(c [3]float64, maxValue float64) int {
	q := func(v float64) int {
		return int(math.Max(0, math.Min(18, math.Floor(signPow(v/maxValue, 0.5)*9+9.5))))
	}
	return q(c[0])*19*19 + q(c[1])*19 + q(c[2])
}

func signPow(v, exp float64) float64 {
	return math.Copysign(math.Pow(math.Abs(v), exp), v)
}

func srgbToLinear(v int) float64 {
	f := float64(v) / 255
	if f <= 0.04045 {
		return f / 12.92
	}
	return math.Pow((f+0.055)/1.055, 2.4)
}

func linearToSRGB(v float64) int {
	v = math.Max(0, math.Min(1, v))
	if v <= 0.0031308 {
		return int(v*12.92*255 + 0.5)
	}
	return int((1.055*math.Pow(v, 1/2.4)-0.055)*255 + 0.5)
}

// base83 writes value in length base-83 digits, most significant first.
func base83(value, length int) string {
	out := make([]byte, length)
	for i := length - 1; i >= 0; i-- {
		out[i] = blurhashChars[value%83]
		value /= 83
	}
	return string(out)
}
