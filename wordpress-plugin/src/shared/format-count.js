/**
 * Formats a count for display in the page's language (`<html lang>`), e.g. "1,234" or "1 234".
 *
 * @param {number}  count    A whole number, 0 or more.
 * @param {string=} [locale] BCP 47 language tag; the browser's default when omitted or unknown.
 * @return {string} The formatted number.
 */
export function formatCount(count, locale) {
	try {
		return new Intl.NumberFormat(locale || undefined).format(count);
	} catch {
		return String(count);
	}
}
