package fetch

import (
	"strings"
	"testing"
)

func TestJSDateToRFC3339(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "Mon May 11 2020 12:02:00 GMT+0900 (Korean Standard Time)", want: "2020-05-11T12:02:00+09:00"},
		{in: "Mon May 11 2020 12:02:00 GMT+0900 (GMT+09:00)", want: "2020-05-11T12:02:00+09:00"},
		{in: "Mon May 11 2020 12:02:00 GMT+0900 (한국 표준시)", want: "2020-05-11T12:02:00+09:00"},
		{in: "Mon May 11 2020 12:02:00 GMT+0900", want: "2020-05-11T12:02:00+09:00"},
		{in: "  Mon May 11 2020 12:02:00 GMT+0900  ", want: "2020-05-11T12:02:00+09:00"},
		{in: "Mon May 11 2020 03:02:00 GMT+0000 (Coordinated Universal Time)", want: "2020-05-11T03:02:00Z"},
		{in: "Sun May 10 2020 23:02:00 GMT-0400 (Eastern Daylight Time)", want: "2020-05-10T23:02:00-04:00"},
		{in: "Mon May 11 2020 08:32:00 GMT+0530 (India Standard Time)", want: "2020-05-11T08:32:00+05:30"},
		{in: "Mon May 4 2020 12:02:00 GMT+0900", want: "2020-05-04T12:02:00+09:00"},
		{in: "Mon May 11 2020 12:02:00 GMT+09:00", want: "2020-05-11T12:02:00+09:00"},
		{in: "2020-05-11T12:02:00+09:00", want: "2020-05-11T12:02:00+09:00"},
		{in: "2020-05-11T12:02:00.5Z", want: "2020-05-11T12:02:00.5Z"},
		{in: "Mon May 11 2020", wantErr: `"Mon May 11 2020" is not a JavaScript date`},
		{in: "Mon May 32 2020 12:02:00 GMT+0900", wantErr: "is not a JavaScript date"},
		{in: "Invalid Date", wantErr: `"Invalid Date" is not a JavaScript date`},
		{in: "", wantErr: "is not a JavaScript date"},
		{in: strings.Repeat("x", 100), wantErr: strings.Repeat("x", 64) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := jsDateToRFC3339(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("jsDateToRFC3339 = %q, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("jsDateToRFC3339 = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func FuzzParseJSDate(f *testing.F) {
	f.Add("Mon May 11 2020 12:02:00 GMT+0900 (Korean Standard Time)")
	f.Add("Mon May 11 2020 12:02:00 GMT+0900 (")
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := parseJSDate(s)
		if err != nil {
			return
		}
		// Whatever parses must survive the RFC 3339 round trip.
		back, err := parseJSDate(tm.Format("2006-01-02T15:04:05.999999999Z07:00"))
		if err != nil || !back.Equal(tm) {
			t.Errorf("%q: round trip gave %v, %v", s, back, err)
		}
	})
}
