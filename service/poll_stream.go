package service

import (
	"context"

	"github.com/convene-social/convene"
)

// Live clients hear of new tallies as a status.update of the poll's post, at the pace peers
// do: when a sweep sends a local poll's tallies or closes it (at most once a minute), and when
// a remote poll's author reports its own. A single vote alone is not streamed; the voter's
// app gets the new poll in the answer.

func (st *streamStore) MarkPollSent(ctx context.Context, postID string) error {
	if err := st.Store.MarkPollSent(ctx, postID); err != nil {
		return err
	}
	st.note(ctx, streamChange{kind: convene.StreamStatusUpdate, postID: postID})
	return nil
}

func (st *streamStore) ClosePoll(ctx context.Context, postID string) (bool, error) {
	closed, err := st.Store.ClosePoll(ctx, postID)
	if err == nil && closed {
		st.note(ctx, streamChange{kind: convene.StreamStatusUpdate, postID: postID})
	}
	return closed, err
}

func (st *streamStore) SetPollTallies(ctx context.Context, postID string, t convene.PollTallies) error {
	if err := st.Store.SetPollTallies(ctx, postID, t); err != nil {
		return err
	}
	st.note(ctx, streamChange{kind: convene.StreamStatusUpdate, postID: postID})
	return nil
}
