package frontend

// Pictures are an actor's avatar and header as a page shows them: URLs of their files, ""
// where none is set.
type Pictures struct {
	AvatarURL string
	HeaderURL string
}

// PictureView is one picture's form on a settings page.
type PictureView struct {
	Name  string // "avatar" or "header": what the form's picture field says
	Label string
	Hint  string
	URL   string // the current file, "" when none is set
	// Width and Height are the preview's size on the page.
	Width, Height int
}

// PictureForms are the forms of a settings page that change an actor's pictures: Action is
// where they post, and the forms come in this order.
type PictureForms struct {
	Action string
	Pictures
}

// Forms lists the avatar's form and the header's.
func (f PictureForms) Forms() []PictureView {
	return []PictureView{
		{Name: "avatar", Label: "Avatar", Hint: "Square: the middle of a wider picture is kept, at most 400×400 pixels.",
			URL: f.AvatarURL, Width: 96, Height: 96},
		{Name: "header", Label: "Header", Hint: "Wide, three to one: at most 1500×500 pixels.",
			URL: f.HeaderURL, Width: 300, Height: 100},
	}
}
