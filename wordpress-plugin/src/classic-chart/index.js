/**
 * The classic editor's "Readers over time" box (a meta box beside the publish box): the same chart
 * as the block editor's panel, drawn into the container WordPress rendered (includes/readers-chart.php)
 * for a published post (`data-vip-presence-post-id`), and kept current while the editor is open.
 */

/**
 * Internal dependencies
 */
import {
	keepReadersChart,
	readersChartSettings,
} from '../shared/readers-chart-live';

function start() {
	const settings = readersChartSettings();
	document
		.querySelectorAll(
			'.vip-presence-readers-chart[data-vip-presence-post-id]'
		)
		.forEach((container) => {
			const postId = Number(container.dataset.vipPresencePostId);
			if (Number.isSafeInteger(postId) && postId > 0) {
				keepReadersChart(container, postId, settings);
			}
		});
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}
