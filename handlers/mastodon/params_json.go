package mastodon

import "net/url"

// maxParamDepth bounds how deep JSON objects are read as parameters; Mastodon's deepest
// (poll[options][]) is one level down.
const maxParamDepth = 3

// jsonParams adds the JSON value v at key to out. Objects become the Rails-style keys form
// clients send, so one reader serves both: {"poll":{"options":["a","b"],"expires_in":300}}
// gives poll[options][]=a, poll[options][]=b and poll[expires_in]=300. A top-level array
// keeps its plain key, as before (choices or choices[]: listParam reads both).
func jsonParams(out url.Values, key string, v any, depth int) {
	if m, ok := v.(map[string]any); ok {
		if depth >= maxParamDepth {
			return
		}
		for sub, sv := range m {
			jsonParams(out, key+"["+sub+"]", sv, depth+1)
		}
		return
	}
	if _, isList := v.([]any); isList && depth > 0 {
		key += "[]"
	}
	if vs, ok := jsonValues(v); ok {
		out[key] = vs
	}
}

// listParam reads a list parameter sent as name[]=… (forms, queries) or name=… (JSON arrays).
func listParam(p url.Values, name string) []string {
	if vs, ok := p[name+"[]"]; ok {
		return vs
	}
	return p[name]
}
