<?php
/**
 * A real WordPress multisite network for the e2e, without wp-cli or the network (see
 * scripts/wp-env.mjs, startWordPress({ multisite })): the steps of Tools > Network Setup, done
 * by REST calls of the harness.
 *
 * - POST /wp-json/vip-presence-e2e/v1/network (an administrator of the single site; a super admin
 *   once it is a network), to be called twice:
 *     1. on a single site: creates the network tables (install_network()), makes this site the main
 *        site of a subdirectory network on its own host and port (populate_network()) and writes
 *        the multisite constants into wp-config.php, as the Network Setup screen asks an admin to
 *        (and as `wp core multisite-convert` does). Answers { multisite: false, converted: true }:
 *        WordPress is a network from the next request on.
 *     2. on the network: network-activates every plugin the main site had active (their activation
 *        hooks run with $network_wide = true) and takes them off the main site's own list.
 *        Answers { multisite: true, networkPlugins: [...] }.
 * - POST /wp-json/vip-presence-e2e/v1/sites { slug, title } (a super admin): a site of the network
 *   at <network path><slug>/ (wp_insert_site(): its tables, options and first post, as Network
 *   Admin > Sites > Add New makes it), or the one already there. Answers { id, url, created }.
 *
 * Subdirectory network: Playground serves /<slug>/wp-admin/, /wp-content/, /wp-includes/ the way
 * the .htaccess of a subdirectory network does (its rewrite rules), and every other path goes to
 * index.php.
 *
 * @package vip-presence-e2e-helpers
 */

defined( 'ABSPATH' ) || exit;

/** The line of wp-config.php before which the constants go (WordPress's wp-config-sample.php). */
const VIP_PRESENCE_E2E_STOP_EDITING = "/* That's all, stop editing!";

/**
 * Step 1: makes the single site the main site of a subdirectory network.
 *
 * @return array|WP_Error
 */
function vip_presence_e2e_create_network() {
	global $wpdb;

	$config_file = ABSPATH . 'wp-config.php';
	$config      = is_readable( $config_file ) ? (string) file_get_contents( $config_file ) : ''; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents
	if ( false === strpos( $config, VIP_PRESENCE_E2E_STOP_EDITING ) ) {
		return new WP_Error( 'vip_presence_e2e_no_config', "wp-config.php has no \"That's all, stop editing!\" line to put the constants before", array( 'status' => 500 ) );
	}

	if ( ! defined( 'WP_INSTALLING_NETWORK' ) ) {
		define( 'WP_INSTALLING_NETWORK', true );
	}
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	require_once ABSPATH . 'wp-admin/includes/network.php';
	foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed ) {
		$wpdb->$table = $prefixed;
	}

	// The URL the site is served at: Playground defines WP_HOME and WP_SITEURL with it, and they mask
	// the stored options (which may name another host, such as 127.0.0.1). A network ignores both
	// constants (ms-default-filters.php), so the options must say it.
	$url = untrailingslashit( get_option( 'home' ) );
	remove_filter( 'option_home', '_config_wp_home' );
	remove_filter( 'option_siteurl', '_config_wp_siteurl' );
	update_option( 'home', $url );
	update_option( 'siteurl', $url );

	install_network();
	// The host of the site URL with its port (localhost:8888): WordPress matches it against
	// HTTP_HOST, which keeps the port (ms_load_current_site_and_network() drops only :80 and :443).
	$domain = get_clean_basedomain();
	$path   = '/';
	$result = populate_network( 1, $domain, get_option( 'admin_email' ), 'VIP Presence E2E network', $path, false );
	if ( is_wp_error( $result ) && 'siteid_exists' !== $result->get_error_code() ) {
		$result->add_data( array( 'status' => 500 ) );
		return $result;
	}

	$constants = array(
		'WP_ALLOW_MULTISITE'   => true,
		'MULTISITE'            => true,
		'SUBDOMAIN_INSTALL'    => false,
		'DOMAIN_CURRENT_SITE'  => $domain,
		'PATH_CURRENT_SITE'    => $path,
		'SITE_ID_CURRENT_SITE' => 1,
		'BLOG_ID_CURRENT_SITE' => 1,
	);
	$lines     = "/* Multisite (vip-presence-e2e-helpers: POST /vip-presence-e2e/v1/network). */\n";
	foreach ( $constants as $name => $value ) {
		$lines .= sprintf( "define( '%s', %s );\n", $name, var_export( $value, true ) ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_var_export
	}
	if ( false === strpos( $config, "'MULTISITE'" ) ) {
		$config = str_replace( VIP_PRESENCE_E2E_STOP_EDITING, $lines . "\n" . VIP_PRESENCE_E2E_STOP_EDITING, $config );
		if ( false === file_put_contents( $config_file, $config ) ) { // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
			return new WP_Error( 'vip_presence_e2e_config_unwritable', 'could not write wp-config.php', array( 'status' => 500 ) );
		}
		if ( function_exists( 'opcache_invalidate' ) ) {
			opcache_invalidate( $config_file, true );
		}
	}
	return array(
		'multisite' => false,
		'converted' => true,
		'domain'    => $domain,
		'path'      => $path,
	);
}

/**
 * Step 2, on the network: the main site's plugins become network-active.
 *
 * @return array|WP_Error
 */
function vip_presence_e2e_network_activate() {
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	$site_plugins = (array) get_option( 'active_plugins', array() );
	foreach ( $site_plugins as $plugin ) {
		if ( is_plugin_active_for_network( $plugin ) ) {
			continue;
		}
		$result = activate_plugin( $plugin, '', true );
		if ( is_wp_error( $result ) ) {
			$result->add_data( array( 'status' => 500 ) );
			return $result;
		}
	}
	update_option( 'active_plugins', array() );
	return array(
		'multisite'      => true,
		'networkPlugins' => array_keys( (array) get_site_option( 'active_sitewide_plugins', array() ) ),
	);
}

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'vip-presence-e2e/v1',
			'/network',
			array(
				'methods'             => 'POST',
				'permission_callback' => static function () {
					return is_multisite() ? current_user_can( 'manage_network_plugins' ) : current_user_can( 'manage_options' );
				},
				'callback'            => static function () {
					return is_multisite() ? vip_presence_e2e_network_activate() : vip_presence_e2e_create_network();
				},
			)
		);

		register_rest_route(
			'vip-presence-e2e/v1',
			'/sites',
			array(
				'methods'             => 'POST',
				'permission_callback' => static function () {
					return is_multisite() && current_user_can( 'create_sites' );
				},
				'args'                => array(
					'slug'  => array(
						'type'     => 'string',
						'pattern'  => '^[a-z0-9][a-z0-9-]{0,40}$',
						'required' => true,
					),
					'title' => array(
						'type'    => 'string',
						'default' => '',
					),
				),
				'callback'            => static function ( WP_REST_Request $request ) {
					$network = get_network();
					$slug    = (string) $request['slug'];
					$path    = $network->path . $slug . '/';
					$found   = get_sites(
						array(
							'network_id' => $network->id,
							'domain'     => $network->domain,
							'path'       => $path,
							'number'     => 1,
							'fields'     => 'ids',
						)
					);
					$created = ! $found;
					// wp_insert_site() cleans the domain with sanitize_user(), which drops the colon of
					// "localhost:8888" (the Add Site screen never offers another domain than the
					// network's): let the network's own domain through as it is.
					$keep_domain = static function ( $username, $raw ) use ( $network ) {
						return $raw === $network->domain ? $raw : $username;
					};
					add_filter( 'sanitize_user', $keep_domain, 10, 2 );
					$id = $found ? (int) $found[0] : wp_insert_site(
						array(
							'domain'  => $network->domain,
							'path'    => $path,
							'title'   => '' !== $request['title'] ? (string) $request['title'] : $slug,
							'user_id' => get_current_user_id(),
						)
					);
					remove_filter( 'sanitize_user', $keep_domain, 10 );
					if ( is_wp_error( $id ) ) {
						$id->add_data( array( 'status' => 500 ) );
						return $id;
					}
					return array(
						'id'      => $id,
						'url'     => get_home_url( $id, '/' ),
						'created' => $created,
					);
				},
			)
		);
	}
);
