/**
 * Keeps a post's "Readers over time" chart current while the editor is open: asks WordPress for the
 * post's readers (GET /wp-json/vip-presence/v1/posts/<id>/readers, with the `wp_rest` nonce: the read
 * API's credential stays in WordPress) when it starts and then every `refreshMs`, skipping turns while
 * the tab is hidden and asking at once when it is shown again after a missed turn.
 *
 * The container gets `data-vip-presence-status` (`loading`, `ok`, `error`) and
 * `data-vip-presence-refreshes`: how many answers it has drawn.
 */

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { drawReadersChart } from './readers-chart-svg';
import { isSeries } from './series';

/**
 * Reads what WordPress printed for the charts (includes/readers-chart.php):
 * `window.vipPresenceReadersChart = { routeUrl, nonce, timeZone, offsetMinutes, refreshSeconds }`.
 *
 * @return {{routeUrl: string, nonce: string, zone: import('./format-time').Zone, refreshMs: number, locale: string|undefined}} Settings.
 */
export function readersChartSettings() {
	const settings = window.vipPresenceReadersChart || {};
	return {
		routeUrl: String(settings.routeUrl || ''),
		nonce: String(settings.nonce || ''),
		zone: {
			timeZone: String(settings.timeZone || ''),
			offsetMinutes: Number(settings.offsetMinutes) || 0,
		},
		refreshMs: Math.max(5, Number(settings.refreshSeconds) || 60) * 1000,
		locale: document.documentElement.lang || undefined,
	};
}

/**
 * Returns the readers route of a post.
 *
 * @param {string} routeUrl The route's base (`…/wp-json/vip-presence/v1/posts/`).
 * @param {number} postId   Post id.
 * @return {string} URL.
 */
export function readersUrl(routeUrl, postId) {
	return `${routeUrl}${postId}/readers`;
}

/**
 * Starts keeping a chart current.
 *
 * @param {HTMLElement} container Where the chart goes.
 * @param {string}      url       The post's readers route (readersUrl()).
 * @param {Object}      settings  readersChartSettings().
 * @return {Function} Stops it.
 */
export function keepReadersChart(container, url, settings) {
	const { nonce, zone, refreshMs, locale } = settings;
	let stopped = false;
	let timer = null;
	let lastAsked = 0;
	let refreshes = 0;

	function fail(message) {
		container.dataset.vipPresenceStatus = 'error';
		const paragraph = document.createElement('p');
		paragraph.className = 'vip-presence-readers-chart-error';
		paragraph.textContent =
			message ||
			__('Readers over time could not be loaded.', 'vip-presence');
		container.replaceChildren(paragraph);
	}

	async function refresh() {
		lastAsked = Date.now();
		let response;
		let answer = null;
		try {
			response = await window.fetch(url, {
				credentials: 'same-origin',
				headers: { Accept: 'application/json', 'X-WP-Nonce': nonce },
			});
			answer = await response.json();
		} catch {
			// The network or WordPress is away: what is drawn stays, and the next turn asks again.
			if (!stopped && !refreshes) {
				fail();
			}
			return;
		}
		if (stopped) {
			return;
		}
		const count = answer?.count;
		if (
			!response.ok ||
			!isSeries(answer?.series) ||
			answer.series.max.length === 0 ||
			!Number.isSafeInteger(count) ||
			count < 0
		) {
			// WordPress's message (WP_Error), translated there: e.g. the presence server is not answering.
			fail(typeof answer?.message === 'string' ? answer.message : '');
			return;
		}
		drawReadersChart(container, answer, { locale, zone });
		refreshes += 1;
		container.dataset.vipPresenceStatus = 'ok';
		container.dataset.vipPresenceRefreshes = String(refreshes);
	}

	function schedule() {
		window.clearTimeout(timer);
		timer = window.setTimeout(async () => {
			if (!document.hidden) {
				await refresh();
			}
			if (!stopped) {
				schedule();
			}
		}, refreshMs);
	}

	function onVisibilityChange() {
		if (!document.hidden && Date.now() - lastAsked >= refreshMs) {
			refresh().then(() => !stopped && schedule());
		}
	}

	container.dataset.vipPresenceStatus = 'loading';
	document.addEventListener('visibilitychange', onVisibilityChange);
	refresh();
	schedule();
	return () => {
		stopped = true;
		window.clearTimeout(timer);
		document.removeEventListener('visibilitychange', onVisibilityChange);
	};
}
