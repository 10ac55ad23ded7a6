// Google Fonts answers for `next/font/google` in fixture builds: Google Fonts is outside and cannot be reached
// here (no internet on the build machines), so a build that imports a Google font would fail.
//
// Next.js reads this file when NEXT_FONT_GOOGLE_MOCKED_RESPONSES names it (the offline hook of its own tests,
// node_modules/next/dist/compiled/@next/font/dist/google/fetch-css-from-google-fonts.js): it looks up the
// stylesheet URL it would fetch and uses the CSS found here. With the variable set, Next.js downloads no font
// file either (fetch-font-file.js turns the URL into the file's bytes), so the page ships a placeholder font
// file the browser cannot decode and shows Next's metric-matched fallback font instead. Only the look changes.
//
// Every URL gets an answer: one @font-face per family of the request (weights as requested), latin subset.

/* global module, URL */
'use strict';

/** The CSS Google Fonts would answer for `url`, with placeholder font files. */
function stylesheet(url) {
  const families = new URL(url).searchParams.getAll('family');
  return families
    .map((spec) => {
      const [name = 'Font', axes = ''] = spec.split(':');
      const family = name.replace(/\+/g, ' ');
      const italic = /ital/.test(axes);
      const range = /wght@(?:[01],)?(\d+)\.\.(\d+)/.exec(axes);
      const weights = range ? [`${range[1]} ${range[2]}`] : (/wght@([\d;]+)/.exec(axes)?.[1].split(';') ?? ['400']);
      const file = `https://fonts.gstatic.com/s/offline/${family.toLowerCase().replace(/ /g, '-')}.woff2`;
      return weights
        .map((weight) =>
          [
            '/* latin */',
            '@font-face {',
            `  font-family: '${family}';`,
            `  font-style: ${italic ? 'italic' : 'normal'};`,
            `  font-weight: ${weight};`,
            '  font-display: swap;',
            `  src: url(${file}) format('woff2');`,
            '  unicode-range: U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD;',
            '}',
          ].join('\n'),
        )
        .join('\n');
    })
    .join('\n');
}

module.exports = new Proxy(
  {},
  {
    get: (_, url) => (typeof url === 'string' && url.startsWith('https://fonts.googleapis.com/') ? stylesheet(url) : undefined),
  },
);
