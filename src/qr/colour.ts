import { mustBe } from '../errors.js'

// CSS Color 4 §6.1: the named colours (lower case; CSS matches them case-insensitively). Grey and gray both exist.
const NAMED = new Set(
  (
    'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood ' +
    'cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod ' +
    'darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon ' +
    'darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray ' +
    'dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green ' +
    'greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon ' +
    'lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon ' +
    'lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta ' +
    'maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen ' +
    'mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive ' +
    'olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru ' +
    'pink plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell ' +
    'sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise ' +
    'violet wheat white whitesmoke yellow yellowgreen transparent'
  ).split(' '),
)

// CSS Color 4 §5.1 (#rgb, #rgba, #rrggbb, #rrggbbaa).
const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i
// CSS Color 4 §5.1 and §7.1: rgb()/rgba()/hsl()/hsla() with three numbers (a `%` or, on a hue, `deg` allowed), then
// an optional alpha: the legacy comma form, or the modern space form with `/ alpha`. Numbers only: no var(), calc(),
// `from` or other function that could reach outside the attribute.
const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:%|deg)?`
const FUNCTION = new RegExp(
  String.raw`^(?:rgb|hsl)a?\(\s*${NUMBER}(?:(?:\s*,\s*${NUMBER}){2}(?:\s*,\s*${NUMBER})?|(?:\s+${NUMBER}){2}(?:\s*\/\s*${NUMBER})?)\s*\)$`,
  'i',
)

/**
 * A colour option of the SVG renderer: plain colour syntax only, so the drawing references nothing (no `url()`,
 * `var()`, `image()`, no quote or `;` that could leave the attribute or start another declaration).
 *
 * @param name - the option's name, for the message
 * @param value - what the caller passed
 * @param fallback - the default when `value` is undefined
 * @param none - whether `'none'` (no background rectangle) is allowed
 * @returns the colour as given
 * @throws OTPError `ERR_INVALID_OPTION` for anything but hex, rgb()/rgba()/hsl()/hsla() with numbers, a named colour
 *   or `transparent`
 */
export function checkColour(name: string, value: unknown, fallback: string, none: boolean): string {
  if (value === undefined) return fallback
  if (
    typeof value !== 'string' ||
    !(HEX.test(value) || FUNCTION.test(value) || NAMED.has(value.toLowerCase()) || (none && value === 'none'))
  ) {
    throw mustBe(
      name,
      `a colour: #rgb, #rrggbb (or with alpha), rgb()/hsl() of numbers, a CSS colour name${none ? " or 'none'" : ''}`,
      value,
    )
  }
  return value
}
