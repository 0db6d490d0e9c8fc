<?php
/**
 * Plugin Name: VIP Presence
 * Description: Shows readers, live, how many other people are viewing the same post.
 * Requires at least: 6.1
 * Requires PHP: 7.4
 * Version: 0.2.0
 * Author: vip-presence contributors
 * License: GPL-2.0-or-later
 * License URI: https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain: vip-presence
 * Domain Path: /languages
 *
 * @package vip-presence
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

define( 'VIP_PRESENCE_VERSION', '0.2.0' );
define( 'VIP_PRESENCE_PLUGIN_FILE', __FILE__ );
define( 'VIP_PRESENCE_PLUGIN_DIR', __DIR__ );

// The largest post id the wire protocol accepts (JavaScript's Number.MAX_SAFE_INTEGER).
define( 'VIP_PRESENCE_MAX_POST_ID', 9007199254740991 );

require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/settings-sanitizers.php';
require_once __DIR__ . '/includes/settings-page.php';
require_once __DIR__ . '/includes/settings-fields.php';
require_once __DIR__ . '/includes/site-key.php';
require_once __DIR__ . '/includes/site-health.php';
require_once __DIR__ . '/includes/tokens.php';
require_once __DIR__ . '/includes/rest-tokens.php';
require_once __DIR__ . '/includes/http-client.php';
require_once __DIR__ . '/includes/server-checks.php';
require_once __DIR__ . '/includes/server-check-origins.php';
require_once __DIR__ . '/includes/server-check-read-api.php';
require_once __DIR__ . '/includes/assets.php';
require_once __DIR__ . '/includes/script-insertion.php';
require_once __DIR__ . '/includes/widget.php';
require_once __DIR__ . '/includes/auto-insert.php';
require_once __DIR__ . '/includes/block.php';
require_once __DIR__ . '/includes/shortcode.php';
require_once __DIR__ . '/includes/admin-column.php';
require_once __DIR__ . '/includes/dashboard-widget.php';
require_once __DIR__ . '/includes/rest-top-posts.php';
require_once __DIR__ . '/includes/rest-post-readers.php';
require_once __DIR__ . '/includes/readers-chart.php';
require_once __DIR__ . '/includes/privacy.php';
require_once __DIR__ . '/includes/bots.php';
