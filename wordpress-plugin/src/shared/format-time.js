/**
 * Times of readers' charts, in a time zone given by WordPress: the site's time zone setting
 * (Settings > General), which PHP passes on as `{ timeZone, offsetMinutes }` (see
 * includes/readers-chart.php): `timeZone` the IANA name when the site names a city ("Europe/Paris",
 * daylight saving time included), else '' and `offsetMinutes` the fixed offset from UTC the site set
 * ("UTC+5:30"). Without a zone, the browser's.
 */

/**
 * A time zone: `{ timeZone?: string, offsetMinutes?: number }`, or undefined for the browser's.
 *
 * @typedef {{timeZone?: string, offsetMinutes?: number}|undefined} Zone
 */

/**
 * Formats the hour and minute of a time, e.g. "14:05" or "02:05 PM".
 *
 * @param {number}  ms         Time, ms since the epoch.
 * @param {string=} [locale]   Language of the page.
 * @param {Zone}    [zone]     Time zone.
 * @param {boolean} [withZone] Whether to name the time zone too ("14:05 CET", "14:05 UTC+5:30").
 * @return {string} Text.
 */
export function formatTime(ms, locale, zone, withZone = false) {
	const named = Boolean(zone?.timeZone);
	const offset = named ? 0 : zoneOffsetMinutes(zone);
	const options = {
		hour: '2-digit',
		minute: '2-digit',
		// A fixed offset: the time shifted by it, read as UTC (Intl takes few offset zones).
		timeZone: named ? zone.timeZone : zone && 'UTC',
		timeZoneName: withZone && named ? 'short' : undefined,
	};
	let text;
	try {
		text = new Intl.DateTimeFormat(locale || undefined, options).format(
			ms + offset * 60000
		);
	} catch {
		// An unknown language or zone name: the browser's language, and UTC shifted by the offset.
		text = new Intl.DateTimeFormat(undefined, {
			...options,
			timeZone: zone ? 'UTC' : undefined,
			timeZoneName: undefined,
		}).format(ms + zoneOffsetMinutes(zone) * 60000);
		return withZone && zone ? `${text} ${offsetName(zone)}` : text;
	}
	return withZone && zone && !named ? `${text} ${offsetName(zone)}` : text;
}

/**
 * Returns a zone's fixed offset from UTC in minutes (0 without one).
 *
 * @param {Zone} zone Time zone.
 * @return {number} Minutes east of UTC.
 */
export function zoneOffsetMinutes(zone) {
	const offset = zone?.offsetMinutes;
	return Number.isFinite(offset) ? offset : 0;
}

/**
 * "UTC", "UTC+1", "UTC-3:30".
 *
 * @param {Zone} zone Time zone.
 * @return {string} Name.
 */
function offsetName(zone) {
	const offset = zoneOffsetMinutes(zone);
	if (offset === 0) {
		return 'UTC';
	}
	const hours = Math.floor(Math.abs(offset) / 60);
	const minutes = Math.abs(offset) % 60;
	return `UTC${offset < 0 ? '-' : '+'}${hours}${
		minutes ? `:${String(minutes).padStart(2, '0')}` : ''
	}`;
}
