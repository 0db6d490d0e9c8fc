/**
 * Keeps the "Most read right now" dashboard widget live without a reload: watches the listed posts
 * through the SDK (`{ count: false }`: the editor is not counted, and no token is needed), re-sorts
 * the list as their counts change, and asks WordPress for the list again (GET
 * /wp-json/vip-presence/v1/top, the route of rest-top-posts.php) every `data-vip-presence-refresh`
 * seconds while the page is shown, so posts that start being read appear. It asks through
 * WordPress's own `wp.apiFetch`, which sends the `wp_rest` nonce and, once that nonce has expired
 * (a dashboard left open longer than a nonce lives), gets a fresh one and asks again. Each post
 * carries its readers over the last hour (`series=60`), drawn as a small plain-SVG trend line
 * (hidden from screen readers, which read a sentence instead: sparkline.js). The read API's
 * credential stays on the server: WordPress asks it.
 *
 * Sets on the container `data-vip-presence-refreshes`: how many answers it has taken in.
 */

/**
 * External dependencies
 */
import '@vip-presence/client/browser';

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

/**
 * Internal dependencies
 */
import { applyAnswer, applyState, visibleEntries } from './top-list';
import { nobodyText, readingText, totalsText } from './top-posts-text';
import { isSeries, seriesValues, sparklinePath } from '../shared/series';
import { sparklineSummary } from './sparkline';
import { svgElement } from '../shared/svg-element';

const SPARKLINE_WIDTH = 120;
const SPARKLINE_HEIGHT = 24;

const ITEM = 'li[data-vip-presence-post-id]';

/**
 * Reads the entries WordPress rendered.
 *
 * @param {HTMLElement} root The widget's container.
 * @return {Map<number, Object>} Entries by post id.
 */
function renderedEntries(root) {
	const entries = new Map();
	root.querySelectorAll(ITEM).forEach((item, rank) => {
		const postId = Number(item.dataset.vipPresencePostId);
		const link = item.querySelector('a');
		const number = (name) => {
			const value = Number(item.dataset[name]);
			return item.dataset[name] !== undefined &&
				Number.isSafeInteger(value)
				? value
				: null;
		};
		if (!Number.isSafeInteger(postId) || postId < 1 || !link) {
			return;
		}
		entries.set(postId, {
			postId,
			title: link.textContent,
			url: link.getAttribute('href') || '',
			count: number('vipPresenceCount') ?? 0,
			peak: number('vipPresencePeak'),
			views: number('vipPresenceViews'),
			series: parseSeries(item.dataset.vipPresenceSeries),
			rank,
			live: false,
		});
	});
	return entries;
}

/**
 * Starts keeping one widget live.
 *
 * @param {HTMLElement} root The widget's container.
 */
function keepLive(root) {
	const client = window.vipPresence;
	if (!client || typeof client.subscribe !== 'function') {
		return;
	}
	const locale = document.documentElement.lang || undefined;
	const limit = parseInt(root.dataset.vipPresenceLimit, 10) || 10;
	const refreshMs =
		Math.max(5, parseInt(root.dataset.vipPresenceRefresh, 10) || 15) * 1000;
	const entries = renderedEntries(root);
	const unsubscribes = new Map();
	const items = new Map();
	let refreshes = 0;
	let lastAsked = Date.now();
	let timer = null;

	function render() {
		const shown = visibleEntries(entries, limit);
		if (shown.length === 0) {
			if (!root.querySelector('.vip-presence-top-posts-empty')) {
				const empty = document.createElement('p');
				empty.className = 'vip-presence-top-posts-empty';
				empty.textContent = nobodyText();
				root.replaceChildren(empty);
			}
			return;
		}
		let list = root.querySelector('ol.vip-presence-top-posts');
		if (!list) {
			list = document.createElement('ol');
			list.className = 'vip-presence-top-posts';
			root.replaceChildren(list);
		}
		const rows = shown.map((entry) => itemOf(entry));
		rows.forEach((row, index) => {
			if (list.children[index] !== row) {
				list.insertBefore(row, list.children[index] || null);
			}
		});
		while (list.children.length > rows.length) {
			list.lastElementChild.remove();
		}
	}

	/**
	 * Returns the list item of an entry, made or updated.
	 *
	 * @param {Object} entry Entry.
	 * @return {HTMLLIElement} Item.
	 */
	function itemOf(entry) {
		let item = items.get(entry.postId);
		if (!item || !item.isConnected) {
			item =
				root.querySelector(
					`${ITEM}[data-vip-presence-post-id="${entry.postId}"]`
				) || document.createElement('li');
			items.set(entry.postId, item);
		}
		let link = item.querySelector('a');
		let count = item.querySelector('.vip-presence-top-posts-count');
		let totals = item.querySelector('.vip-presence-top-posts-totals');
		if (!link || !count) {
			item.replaceChildren();
			link = document.createElement('a');
			count = document.createElement('span');
			count.className = 'vip-presence-top-posts-count';
			item.append(link, ' ', count);
		}
		if (!totals) {
			totals = document.createElement('span');
			totals.className = 'vip-presence-top-posts-totals';
			item.append(' ', totals);
		}
		item.dataset.vipPresencePostId = String(entry.postId);
		item.dataset.vipPresenceCount = String(entry.count);
		setText(link, entry.title);
		if (link.getAttribute('href') !== entry.url) {
			link.setAttribute('href', entry.url);
		}
		setText(count, readingText(entry.count, locale));
		const known = entry.peak !== null && entry.views !== null;
		setText(
			totals,
			known ? totalsText(entry.peak, entry.views, locale) : ''
		);
		totals.hidden = !known;
		if (known) {
			item.dataset.vipPresencePeak = String(entry.peak);
			item.dataset.vipPresenceViews = String(entry.views);
		}
		drawSparkline(item, entry);
		return item;
	}

	/**
	 * Draws (or updates, or removes) an item's trend line of the last hour and its text for screen
	 * readers.
	 *
	 * @param {HTMLLIElement} item  Item.
	 * @param {Object}        entry Entry.
	 */
	function drawSparkline(item, entry) {
		let figure = item.querySelector('.vip-presence-sparkline-figure');
		if (!isSeries(entry.series) || entry.series.max.length === 0) {
			figure?.remove();
			return;
		}
		if (!figure) {
			figure = document.createElement('span');
			figure.className = 'vip-presence-sparkline-figure';
			const svg = svgElement(
				'svg',
				{
					class: 'vip-presence-sparkline',
					viewBox: `0 0 ${SPARKLINE_WIDTH} ${SPARKLINE_HEIGHT}`,
					preserveAspectRatio: 'none',
					'aria-hidden': 'true',
					focusable: 'false',
				},
				[
					svgElement('path', {
						fill: 'none',
						stroke: 'currentColor',
						'stroke-width': '1.5',
						'stroke-linecap': 'round',
						'stroke-linejoin': 'round',
						'vector-effect': 'non-scaling-stroke',
					}),
				]
			);
			const text = document.createElement('span');
			text.className = 'screen-reader-text';
			figure.append(svg, text);
			item.append(figure);
		}
		// The current bucket shows the live count, which is newer than the answer.
		const values = seriesValues(entry.series, entry.count);
		figure
			.querySelector('path')
			.setAttribute(
				'd',
				sparklinePath(values, SPARKLINE_WIDTH, SPARKLINE_HEIGHT)
			);
		setText(
			figure.querySelector('.screen-reader-text'),
			sparklineSummary(entry.series, entry.count, locale)
		);
	}

	function watch(postId) {
		if (unsubscribes.has(postId)) {
			return;
		}
		unsubscribes.set(
			postId,
			client.subscribe(
				postId,
				(state) => {
					if (applyState(entries, state)) {
						render();
					}
				},
				{ count: false }
			)
		);
	}

	function unwatch(postId) {
		const unsubscribe = unsubscribes.get(postId);
		unsubscribes.delete(postId);
		items.delete(postId);
		if (typeof unsubscribe === 'function') {
			unsubscribe();
		}
	}

	async function refresh() {
		lastAsked = Date.now();
		try {
			const answer = await apiFetch({
				path: `/vip-presence/v1/top?limit=${limit}&series=60`,
			});
			const { added, removed } = applyAnswer(entries, answer);
			removed.forEach(unwatch);
			added.forEach(watch);
			root.dataset.vipPresenceStatus = 'ok';
			render();
			refreshes += 1;
			root.dataset.vipPresenceRefreshes = String(refreshes);
		} catch {
			// The network or WordPress is away, or refused (apiFetch rejects with its WP_Error): the
			// list stays, and the next turn asks again.
		}
	}

	function schedule() {
		window.clearTimeout(timer);
		timer = window.setTimeout(async () => {
			if (stopIfGone()) {
				return;
			}
			if (!document.hidden) {
				await refresh();
			}
			schedule();
		}, refreshMs);
	}

	function onVisibilityChange() {
		if (stopIfGone()) {
			return;
		}
		if (!document.hidden && Date.now() - lastAsked >= refreshMs) {
			refresh().then(schedule);
		}
	}

	/**
	 * Lets everything go once the widget has left the page.
	 *
	 * @return {boolean} Whether it has.
	 */
	function stopIfGone() {
		if (root.isConnected) {
			return false;
		}
		window.clearTimeout(timer);
		document.removeEventListener('visibilitychange', onVisibilityChange);
		[...unsubscribes.keys()].forEach(unwatch);
		return true;
	}

	entries.forEach((entry) => watch(entry.postId));
	document.addEventListener('visibilitychange', onVisibilityChange);
	schedule();
}

function start() {
	document.querySelectorAll('.vip-presence-top').forEach(keepLive);
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}

/**
 * Reads the series WordPress rendered in `data-vip-presence-series`.
 *
 * @param {string=} json JSON, or undefined.
 * @return {Object|null} The series, or null.
 */
function parseSeries(json) {
	try {
		const series = json ? JSON.parse(json) : null;
		return isSeries(series) ? series : null;
	} catch {
		return null;
	}
}

/**
 * Sets an element's text, only when it changes.
 *
 * @param {HTMLElement} element Element.
 * @param {string}      text    Text.
 */
function setText(element, text) {
	if (element.textContent !== text) {
		element.textContent = text;
	}
}
