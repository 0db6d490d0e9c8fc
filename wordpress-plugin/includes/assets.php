<?php
/**
 * Scripts built by @wordpress/scripts (build/*.js with their generated *.asset.php) and the settings
 * printed before them: `window.vipPresenceSettings = { url, site, tokens: { "<postId>": "<token>" },
 * hiddenTimeoutMs, tokensUrl }`. `site` is the site key (site-key.php), which the SDK sends as `auth.site` in its
 * handshake; it is left out when the key is '' (the server's default site, v1 tokens).
 *
 * Handles:
 *   vip-presence-client        build/client.js: the client SDK (window.vipPresence), packages/client's
 *                              own bundle, copied by webpack.config.js; the settings print before it
 *   vip-presence-widget        build/widget.js: widget hydration (depends on vip-presence-client);
 *                              its texts, translated, print before it (window.vipPresenceWidgetText)
 *   vip-presence-admin-column  build/admin-column.js: the live "Reading now" column (and the SDK)
 *   vip-presence-dashboard-widget  build/dashboard-widget.js: the live "Most read right now" (and the SDK)
 *   vip-presence-editor-chart  build/editor-chart.js: the block editor's "Readers over time" panel
 *   vip-presence-classic-chart build/classic-chart.js: the classic editor's "Readers over time" box
 *
 * All load in the footer, deferred on WordPress 6.3+ (the array form of the last argument of
 * wp_register_script() reads as `$in_footer = true` on older versions), and only where used.
 *
 * Front-end weight: a post page with the widget gets the SDK, the small widget script and two
 * inline scripts, and no WordPress script: the widget's texts are translated here, by PHP, instead
 * of by wp-i18n in the browser (which would bring wp-i18n and wp-hooks, and wp-polyfill on
 * WordPress 6.1, into pages that load none of them otherwise). The admin scripts keep wp-i18n:
 * admin pages load it anyway. Figures: packages/bench/page-weight.md (`npm run bench:page`).
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Reads a generated asset file (dependencies and version of a built script).
 *
 * @since 0.1.0
 *
 * @param string $name Entry name, e.g. 'widget' for build/widget.asset.php.
 * @return array{dependencies: string[], version: string}|null Null when the script is not built.
 */
function vip_presence_get_asset( $name ) {
	$file = VIP_PRESENCE_PLUGIN_DIR . '/build/' . $name . '.asset.php';
	if ( ! is_readable( $file ) ) {
		return null;
	}
	$asset = require $file;
	if ( ! is_array( $asset ) ) {
		return null;
	}
	return array(
		'dependencies' => isset( $asset['dependencies'] ) && is_array( $asset['dependencies'] ) ? $asset['dependencies'] : array(),
		'version'      => isset( $asset['version'] ) ? (string) $asset['version'] : VIP_PRESENCE_VERSION,
	);
}

/**
 * Registers the plugin's scripts (they are enqueued later, only where a widget or the column shows).
 *
 * @since 0.1.0
 */
function vip_presence_register_scripts() {
	$scripts = array(
		'vip-presence-client'           => 'client',
		'vip-presence-widget'           => 'widget',
		'vip-presence-admin-column'     => 'admin-column',
		'vip-presence-dashboard-widget' => 'dashboard-widget',
		'vip-presence-editor-chart'     => 'editor-chart',
		'vip-presence-classic-chart'    => 'classic-chart',
	);
	foreach ( $scripts as $handle => $name ) {
		$asset = vip_presence_get_asset( $name );
		if ( null === $asset ) {
			continue;
		}
		wp_register_script(
			$handle,
			plugins_url( 'build/' . $name . '.js', VIP_PRESENCE_PLUGIN_FILE ),
			$asset['dependencies'],
			$asset['version'],
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		// The widget's texts come translated from PHP (vip_presence_get_widget_text()): no wp-i18n.
		if ( in_array( 'wp-i18n', $asset['dependencies'], true ) ) {
			wp_set_script_translations( $handle, 'vip-presence' );
		}
	}
}
add_action( 'init', 'vip_presence_register_scripts' );

/**
 * Remembers the posts this page counts the visitor as viewing (their tokens are printed with the script).
 *
 * @since 0.1.0
 *
 * @param int $post_id Post id to add; 0 to add nothing.
 * @return int[] Post ids of this page, in order of appearance.
 */
function vip_presence_page_post_ids( $post_id = 0 ) {
	static $post_ids = array();
	if ( vip_presence_is_post_id( $post_id ) ) {
		$post_ids[ $post_id ] = $post_id;
	}
	return array_values( $post_ids );
}

/**
 * Builds the settings object the client SDK reads.
 *
 * @since 0.1.0
 * @since 0.2.0 `site`: the site key, unless it is '' (the server's default site).
 * @since 0.2.0 `hiddenTimeoutMs`: the background tabs setting, in milliseconds (0: never).
 *
 * @param int[] $post_ids Posts whose tokens to include (none for pages that only watch).
 * @return array{url: string, site?: string, tokens: object, hiddenTimeoutMs: int} Settings.
 */
function vip_presence_get_client_settings( array $post_ids ) {
	$tokens = array();
	foreach ( $post_ids as $post_id ) {
		$token = vip_presence_get_token( $post_id );
		if ( '' !== $token ) {
			$tokens[ (string) $post_id ] = $token;
		}
	}
	$settings = array( 'url' => vip_presence_get_server_url() );
	$site     = vip_presence_get_site_key();
	if ( '' !== $site ) {
		$settings['site'] = $site; // The SDK's auth.site: the v2 tokens above are good only on a socket of this site.
	}
	$settings['tokens'] = (object) $tokens;
	// Readers whose tabs on a post are all hidden this long stop counting (0: never); the SDK's option.
	$settings['hiddenTimeoutMs'] = vip_presence_get_hidden_timeout_ms();
	return $settings;
}

/**
 * Returns the JavaScript statement that defines window.vipPresenceSettings.
 *
 * @since 0.1.0
 *
 * @param array<string, mixed> $settings Settings from vip_presence_get_client_settings().
 * @return string JavaScript, safe to print inside a script tag.
 */
function vip_presence_client_settings_script( array $settings ) {
	return 'window.vipPresenceSettings = ' . wp_json_encode( $settings, JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ) . ';';
}

/**
 * Adds window.vipPresenceSettings before the SDK (which reads it when it loads) for pages that only
 * watch (no tokens): the admin scripts.
 *
 * @since 0.2.0
 */
function vip_presence_add_watch_settings() {
	wp_add_inline_script(
		'vip-presence-client',
		vip_presence_client_settings_script( vip_presence_get_client_settings( array() ) ),
		'before'
	);
}

/**
 * Returns the widget's texts in the site's language, as build/widget.js reads them:
 * `{ alone: "You're the only one here", others: [ forms ], plural: "1011…", thousands: "," }`,
 * where `plural` has one character per count of other people from 0 to 199: the index (base 36)
 * in `others` of what `_n()` returns for that count, and `thousands` is the separator the
 * browser writes numbers with, as number_format_i18n() does (no `Intl.NumberFormat` on the page).
 *
 * Why a table made by `_n()` rather than wp-i18n in the browser: wp-i18n (with wp-hooks, and
 * wp-polyfill on WordPress 6.1) would be most of the weight the plugin adds to a post page, and
 * WordPress's own `_n()` here picks the plural form by the rule of the loaded translation, with
 * the `ngettext` filters sites use, whatever the WordPress version and its translation loader.
 * The browser takes the form of count n from the table when n < 200, else that of
 * 100 + n % 100: the same form, because gettext plural rules (those of the languages WordPress is
 * translated into, and the rules CLDR gives) tell counts apart by n % 10, n % 100 (or another
 * divisor of 100, like Manx's n % 20) and by comparing n with numbers below 100, which do not
 * tell n from 100 + n % 100 once n >= 100. Two hundred characters, mostly the same one: a few
 * bytes of gzip.
 *
 * @since 0.2.0
 *
 * @return array{alone: string, others: string[], plural: string, thousands: string} The texts.
 */
function vip_presence_get_widget_text() {
	$others = array();
	$plural = '';
	for ( $count = 0; $count < 200; $count++ ) {
		/* translators: %s: number of other people viewing this post right now. */
		$form  = _n( '%s other person is viewing', '%s other people are viewing', $count, 'vip-presence' );
		$index = array_search( $form, $others, true );
		if ( false === $index ) {
			$index    = count( $others );
			$others[] = $form;
		}
		$plural .= base_convert( (string) min( $index, 35 ), 10, 36 );
	}
	return array(
		'alone'     => __( "You're the only one here", 'vip-presence' ),
		'others'    => $others,
		'plural'    => $plural,
		'thousands' => vip_presence_get_thousands_separator(),
	);
}

/**
 * Returns the thousands separator number_format_i18n() uses in the site's language, as text (some
 * translations give it as an HTML entity, such as `&nbsp;`, and the widget sets text, not HTML).
 *
 * @since 0.2.0
 *
 * @return string The separator, "," when WordPress has no locale loaded.
 */
function vip_presence_get_thousands_separator() {
	global $wp_locale;
	$separator = isset( $wp_locale ) ? $wp_locale->number_format['thousands_sep'] : ',';
	return html_entity_decode( (string) $separator, ENT_QUOTES | ENT_HTML5, 'UTF-8' );
}

/**
 * Enqueues the widget script (and the SDK) for a post shown on this page.
 *
 * Theme developers may call it to use `window.vipPresence.subscribe()` directly.
 *
 * @since 0.1.0
 *
 * @param int  $post_id Post shown on the page.
 * @param bool $counted Whether the page counts the visitor as viewing it (then its token is printed);
 *                      false when the page only watches it.
 * @return bool Whether the script is enqueued (false when the plugin is unconfigured or not built,
 *              or when the reader may not be counted: see vip_presence_can_count()).
 */
function vip_presence_enqueue_widget_script( $post_id, $counted = true ) {
	if ( ! vip_presence_is_configured() || ! wp_script_is( 'vip-presence-widget', 'registered' ) || ! vip_presence_can_count() ) {
		return false;
	}
	if ( $counted ) {
		vip_presence_page_post_ids( $post_id );
	}
	wp_enqueue_script( 'vip-presence-widget' );
	return true;
}

/**
 * Adds the settings and the tokens of this page's posts before the SDK, and the widget's texts
 * before the widget script, just before the footer scripts print (widgets rendered anywhere
 * earlier on the page are all known by then).
 *
 * @since 0.1.0
 * @since 0.2.0 The settings print before the SDK (vip-presence-client), the texts before the widget script.
 */
function vip_presence_add_widget_settings() {
	if ( ! wp_script_is( 'vip-presence-widget', 'enqueued' ) ) {
		return;
	}
	$settings              = vip_presence_get_client_settings( vip_presence_page_post_ids() );
	$settings['tokensUrl'] = vip_presence_get_tokens_url(); // Where the SDK gets a fresh token when the printed one is refused.
	wp_add_inline_script( 'vip-presence-client', vip_presence_client_settings_script( $settings ), 'before' );
	wp_add_inline_script(
		'vip-presence-widget',
		'window.vipPresenceWidgetText = ' . wp_json_encode( vip_presence_get_widget_text(), JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . ';',
		'before'
	);
}
add_action( 'wp_print_footer_scripts', 'vip_presence_add_widget_settings', 1 );
