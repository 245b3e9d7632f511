package mastodon

import "net/url"

// maxParamDepth bounds how deep JSON objects are read as parameters; Mastodon's deepest
// (poll[options][]) is one level down.
const maxParamDepth = 3

// jsonParams adds the JSON value v at key to out. Objects become the Rails-style keys form
// clients send, so one reader serves both: {"poll":{"options":["a","b"],"expires_in":300}}
// gives poll[options][]=a, poll[options][]=b and poll[expires_in]=300, and a list of
// objects {"media_attributes":[{"id":"1","description":"x"}]} gives media_attributes[][id]=1
// and media_attributes[][description]=x, one value per object in order. A top-level list
// of values keeps its plain key, as before (choices or choices[]: listParam reads both).
func jsonParams(out url.Values, key string, v any, depth int) {
	if depth > maxParamDepth {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if depth == maxParamDepth {
			return
		}
		for sub, sv := range v {
			jsonParams(out, key+"["+sub+"]", sv, depth+1)
		}
		return
	case []any:
		if len(v) > 0 && isObject(v[0]) {
			for _, e := range v {
				jsonParams(out, key+"[]", e, depth+1)
			}
			return
		}
		if depth > 0 {
			key += "[]"
		}
	}
	vs, ok := jsonValues(v)
	switch {
	case !ok:
	case depth == 0:
		out[key] = vs // the body's value replaces the query's
	default:
		out[key] = append(out[key], vs...) // one per object of a list
	}
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// listParam reads a list parameter sent as name[]=… (forms, queries) or name=… (JSON arrays).
func listParam(p url.Values, name string) []string {
	if vs, ok := p[name+"[]"]; ok {
		return vs
	}
	return p[name]
}
