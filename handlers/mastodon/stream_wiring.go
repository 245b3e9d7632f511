package mastodon

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// streamDeps connects the streaming machinery to this API's tokens and entities.
func (a *API) streamDeps() StreamDeps {
	return StreamDeps{Service: a.svc, Logger: a.log,
		Authenticate: func(r *http.Request, token string) (convene.Principal, string, []string, error) {
			p, t, err := a.svc.TokenPrincipal(r.Context(), token)
			if err != nil {
				return convene.Principal{}, "", nil, err
			}
			return p, t.ID, t.Scopes, nil
		},
		Render: a.renderStreamEvent,
	}
}

// renderStreamEvent renders an update as the Status, and a notification as the
// Notification, the viewer would read through the API; what the viewer may not see is not
// sent.
func (a *API) renderStreamEvent(ctx context.Context, p convene.Principal, ev convene.StreamEvent) (string, bool, error) {
	ctx = convene.WithPrincipal(ctx, p)
	rd := a.renderer(ctx)
	var v any
	switch {
	case ev.NotificationID != "":
		found, err := a.svc.FindNotification(ctx, ev.NotificationID)
		if err != nil {
			return "", false, ignoreNotFound(err)
		}
		n, err := rd.notifications([]*convene.Notification{found})
		if err != nil {
			return "", false, err
		}
		v = n[0]
	case ev.PostID != "":
		item, err := a.svc.FindStatus(ctx, ev.PostID) // a post, or a boost of one
		if err != nil {
			return "", false, ignoreNotFound(err)
		}
		list, err := rd.timeline([]service.TimelineItem{item})
		if err != nil {
			return "", false, err
		}
		v = list[0]
	default:
		return "", false, nil
	}
	body, err := json.Marshal(v)
	if err != nil {
		return "", false, err
	}
	return string(body), true, nil
}

// ignoreNotFound: what cannot be found (or seen) is simply not sent.
func ignoreNotFound(err error) error {
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	return err
}
