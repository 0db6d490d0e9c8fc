/**
 * Front-end script of the live viewers widget: loads the client SDK (which reads
 * `window.vipPresenceSettings` and defines `window.vipPresence`) and fills every widget
 * `<div class="vip-presence-widget" data-vip-presence-post-id="…" data-vip-presence-mode="…">`
 * of the page.
 */

/**
 * External dependencies
 */
import '@vip-presence/client/browser';

/**
 * Internal dependencies
 */
import { widgetText } from './widget-text';

const SELECTOR = '.vip-presence-widget[data-vip-presence-post-id]';

/**
 * Subscribes once per post (and mode) and keeps that post's widgets up to date.
 *
 * `data-vip-presence-mode="view"` counts the visitor as viewing the post (the post of a single view);
 * `"watch"` only shows the count (other posts: archives, query loops, a shortcode naming a post).
 * Widgets already handled carry `data-vip-presence-status`, so calling this again (for content
 * added later) only picks up new ones.
 *
 * @param {Document|Element} root Where to look for widgets.
 */
export function hydrateWidgets(root = document) {
	const client = window.vipPresence;
	if (!client || typeof client.subscribe !== 'function') {
		return;
	}
	const locale = document.documentElement.lang || undefined;
	const groups = new Map();
	root.querySelectorAll(SELECTOR).forEach((element) => {
		if (element.dataset.vipPresenceStatus) {
			return;
		}
		const postId = Number(element.dataset.vipPresencePostId);
		if (!Number.isSafeInteger(postId) || postId < 1) {
			return;
		}
		const watch = element.dataset.vipPresenceMode === 'watch';
		const key = `${postId}:${watch ? 'watch' : 'view'}`;
		element.dataset.vipPresenceStatus = 'connecting';
		if (!groups.has(key)) {
			groups.set(key, { postId, watch, elements: [] });
		}
		groups.get(key).elements.push(element);
	});

	groups.forEach(({ postId, watch, elements }) => {
		const update = (state) => {
			elements.forEach((element) => {
				const hideBelow =
					parseInt(element.dataset.vipPresenceHideBelow, 10) || 0;
				const text = widgetText(state, hideBelow, locale);
				// Only real changes reach the text: aria-live announces every change.
				if (element.textContent !== text) {
					element.textContent = text;
				}
				element.dataset.vipPresenceStatus = state.status;
			});
		};
		if (watch) {
			client.subscribe(postId, update, { count: false });
		} else {
			client.subscribe(postId, update);
		}
	});
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', () => hydrateWidgets());
} else {
	hydrateWidgets();
}
