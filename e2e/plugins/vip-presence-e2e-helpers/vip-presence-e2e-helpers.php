<?php
/**
 * Plugin Name:       VIP Presence E2E Helpers
 * Description:       Test-only helpers for the vip-presence end-to-end suite and the local stack. Never install on a real site.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * License:           GPL-2.0-or-later
 *
 * What it adds:
 * - GET /wp-json/vip-presence-e2e/v1/status (public): the WordPress version, whether the
 *   VIP_PRESENCE_* constants are defined (never the secret itself), the active plugins (the site's
 *   and the network's), whether this is a network, the site's id and home URL. The scripts poll it
 *   after `wp-env start` because the first request may not see the constants yet.
 * - POST /wp-json/vip-presence-e2e/v1/network and /sites (multisite.php): turn the site into the
 *   main site of a subdirectory network, network-activate its plugins, and add sites.
 * - GET /wp-json/vip-presence-e2e/v1/options (users who can manage_options): every option the
 *   plugin registers in its settings group, as stored (get_option(): no REST schema casting, so a
 *   spec sees exactly what the sanitize callbacks let through), the secret only as a SHA-256 digest.
 * - admin-ajax.php?action=vip_presence_e2e_nonce&nonce_action=X (any logged-in user): a nonce of
 *   action X for that user, so a spec can send a valid-looking settings form as a user who cannot
 *   open the settings screen (and check that the capability, not the nonce, refuses it).
 * - With the constant VIP_PRESENCE_E2E_OFFLINE (set by scripts/wp-env.mjs on machines without
 *   internet), outgoing HTTP requests to hosts other than this machine fail at once instead of
 *   timing out (update checks, dashboard news), and avatars are off (browsers would fetch them
 *   from gravatar.com and log a console error for each); the dashboard's "WordPress Events and
 *   News" box is left out (it can only fail, after an admin-ajax.php round trip).
 * - Admin pages skip the script compression test (an admin-ajax.php request per admin page until
 *   an option is set): the Playground runtime serves one PHP request at a time, and tests should
 *   not queue behind it.
 * - The page template "VIP Presence E2E: template tag" (templates/template-tag.php): a minimal
 *   classic page that places the widget with the template tag vip_presence_widget().
 * - With the constant VIP_PRESENCE_E2E_EMBEDDED_SERVER_URL (set by the e2e global setup), readers
 *   that send the cookie vip_presence_e2e_server=embedded get that presence server instead of
 *   VIP_PRESENCE_SERVER_URL (the "embedded-store" project's smoke spec). Without the constant,
 *   the cookie does nothing.
 * - Readers that send the cookie vip_presence_e2e_token=expired get pages whose printed view
 *   tokens expired an hour ago (validly signed), as a copy from a page cache rendered days ago.
 * - `post.php?post=N&action=edit&vip-presence-e2e-editor=classic` opens the classic editor (the
 *   `use_block_editor_for_post` filter, for that request only), as the Classic Editor plugin would.
 * - `vip-presence-e2e-refresh=N` in the query of an admin page (5 or more): the dashboard widget
 *   and the "Readers over time" chart of that page ask WordPress again every N seconds (their
 *   filters), so a spec sees a refresh within seconds rather than a minute.
 * - Users who send the cookie vip_presence_e2e_nonces=expired get nonces of another lifetime (the
 *   `nonce_life` filter): every nonce printed before the cookie was set no longer verifies, as on a
 *   page left open longer than a nonce lives (12 to 24 hours), and fresh nonces verify.
 *
 * @package vip-presence-e2e-helpers
 */

defined( 'ABSPATH' ) || exit;

require __DIR__ . '/multisite.php';

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'vip-presence-e2e/v1',
			'/status',
			array(
				'methods'             => 'GET',
				'permission_callback' => '__return_true',
				'callback'            => static function () {
					$network = is_multisite() ? array_keys( (array) get_site_option( 'active_sitewide_plugins', array() ) ) : array();
					$active  = array_values( array_unique( array_merge( (array) get_option( 'active_plugins', array() ), $network ) ) );
					return array(
						'wordpress'      => get_bloginfo( 'version' ),
						'constants'      => array(
							'VIP_PRESENCE_SERVER_URL' => defined( 'VIP_PRESENCE_SERVER_URL' ) ? constant( 'VIP_PRESENCE_SERVER_URL' ) : null,
							'VIP_PRESENCE_SECRET'     => defined( 'VIP_PRESENCE_SECRET' ) && '' !== constant( 'VIP_PRESENCE_SECRET' ),
						),
						'plugins'        => $active,
						'networkPlugins' => $network,
						'multisite'      => is_multisite(),
						'blogId'         => get_current_blog_id(),
						'home'           => home_url( '/' ),
						'siteKey'        => function_exists( 'vip_presence_get_site_key' ) ? vip_presence_get_site_key() : null,
						'e2eOffline'     => defined( 'VIP_PRESENCE_E2E_OFFLINE' ) && constant( 'VIP_PRESENCE_E2E_OFFLINE' ),
					);
				},
			)
		);
	}
);

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'vip-presence-e2e/v1',
			'/options',
			array(
				'methods'             => 'GET',
				'permission_callback' => static function () {
					return current_user_can( 'manage_options' );
				},
				'callback'            => static function () {
					$options = array();
					foreach ( get_registered_settings() as $name => $setting ) {
						if ( 'vip_presence' !== $setting['group'] ) {
							continue;
						}
						$value            = get_option( $name );
						$options[ $name ] = 'vip_presence_secret' === $name
							? array( 'sha256' => is_string( $value ) ? hash( 'sha256', $value ) : null )
							: $value;
					}
					return $options;
				},
			)
		);
	}
);

add_action(
	'wp_ajax_vip_presence_e2e_nonce',
	static function () {
		$action = isset( $_GET['nonce_action'] ) ? sanitize_key( wp_unslash( $_GET['nonce_action'] ) ) : '';
		wp_die( esc_html( wp_create_nonce( $action ) ) );
	}
);

add_filter(
	'pre_http_request',
	static function ( $preempt, $args, $url ) {
		if ( false !== $preempt || ! defined( 'VIP_PRESENCE_E2E_OFFLINE' ) || ! constant( 'VIP_PRESENCE_E2E_OFFLINE' ) ) {
			return $preempt;
		}
		$host = strtolower( (string) wp_parse_url( $url, PHP_URL_HOST ) );
		if ( in_array( $host, array( 'localhost', '127.0.0.1', '[::1]', '::1' ), true ) ) {
			return $preempt;
		}
		return new WP_Error( 'vip_presence_e2e_offline', 'Offline test site: no requests leave this machine.' );
	},
	10,
	3
);

if ( defined( 'VIP_PRESENCE_E2E_OFFLINE' ) && constant( 'VIP_PRESENCE_E2E_OFFLINE' ) ) {
	add_filter( 'pre_option_show_avatars', '__return_zero' );
	add_action(
		'wp_dashboard_setup',
		static function () {
			remove_meta_box( 'dashboard_primary', 'dashboard', 'side' );
		}
	);
}

add_filter( 'pre_site_option_can_compress_scripts', '__return_zero' );

/** The page template that uses the template tag (the value of a page's `template` field). */
const VIP_PRESENCE_E2E_TEMPLATE_TAG = 'vip-presence-e2e-template-tag.php';

add_filter(
	'theme_page_templates',
	static function ( $templates ) {
		$templates[ VIP_PRESENCE_E2E_TEMPLATE_TAG ] = 'VIP Presence E2E: template tag';
		return $templates;
	}
);

add_filter(
	'template_include',
	static function ( $template ) {
		if ( is_page() && VIP_PRESENCE_E2E_TEMPLATE_TAG === get_page_template_slug( get_queried_object_id() ) ) {
			return __DIR__ . '/templates/template-tag.php';
		}
		return $template;
	}
);

add_filter(
	'vip_presence_server_url',
	static function ( $url ) {
		if (
			defined( 'VIP_PRESENCE_E2E_EMBEDDED_SERVER_URL' )
			&& isset( $_COOKIE['vip_presence_e2e_server'] )
			&& 'embedded' === $_COOKIE['vip_presence_e2e_server']
		) {
			return (string) constant( 'VIP_PRESENCE_E2E_EMBEDDED_SERVER_URL' );
		}
		return $url;
	}
);

add_action(
	'wp_print_footer_scripts',
	static function () {
		$script = wp_scripts()->query( 'vip-presence-client' ); // The settings print before the SDK.
		if ( ! isset( $_COOKIE['vip_presence_e2e_token'] ) || 'expired' !== $_COOKIE['vip_presence_e2e_token'] || ! $script || empty( $script->extra['before'] ) ) {
			return;
		}
		// After the plugin's settings (priority 1), before the scripts print: re-sign every token.
		$expires_at              = intdiv( time(), HOUR_IN_SECONDS ) * HOUR_IN_SECONDS - HOUR_IN_SECONDS;
		$script->extra['before'] = array_map(
			static function ( $code ) use ( $expires_at ) {
				// v1 tokens, and v2 tokens, which name their site (re-signed for the same site).
				return ! is_string( $code ) ? $code : preg_replace_callback(
					'/"(?:v1|v2\.([A-Za-z0-9_-]{1,64}))\.([1-9][0-9]*)\.[0-9]+\.[A-Za-z0-9_-]+"/',
					static function ( $match ) use ( $expires_at ) {
						return '"' . vip_presence_sign_token( vip_presence_get_secret(), (int) $match[2], $expires_at, (string) $match[1] ) . '"';
					},
					$code
				);
			},
			$script->extra['before']
		);
	},
	2
);

add_filter(
	'use_block_editor_for_post',
	static function ( $use_block_editor ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a test switch of how this request renders; it stores nothing.
		if ( isset( $_GET['vip-presence-e2e-editor'] ) && 'classic' === $_GET['vip-presence-e2e-editor'] ) {
			return false;
		}
		return $use_block_editor;
	}
);

/**
 * The admin page's refresh interval asked for by `vip-presence-e2e-refresh=N`, or null.
 *
 * @return int|null Seconds.
 */
function vip_presence_e2e_refresh_seconds() {
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a test switch of how this request renders; it stores nothing.
	$seconds = isset( $_GET['vip-presence-e2e-refresh'] ) ? (int) $_GET['vip-presence-e2e-refresh'] : 0;
	return $seconds >= 5 ? $seconds : null;
}

foreach ( array( 'vip_presence_top_posts_refresh_interval', 'vip_presence_readers_chart_refresh_interval' ) as $vip_presence_e2e_filter ) {
	add_filter(
		$vip_presence_e2e_filter,
		static function ( $seconds ) {
			$asked = vip_presence_e2e_refresh_seconds();
			return null === $asked ? $seconds : $asked;
		}
	);
}

add_filter(
	'nonce_life',
	static function ( $life ) {
		if ( isset( $_COOKIE['vip_presence_e2e_nonces'] ) && 'expired' === $_COOKIE['vip_presence_e2e_nonces'] ) {
			// Another tick length: nonces made with the usual one (a day) are neither this tick's nor
			// the previous one's.
			return 3 * DAY_IN_SECONDS;
		}
		return $life;
	}
);
