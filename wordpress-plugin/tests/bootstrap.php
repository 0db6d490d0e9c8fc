<?php
/**
 * PHPUnit bootstrap: the plugin's tests run inside real WordPress.
 *
 * PHPUnit's own process makes the run's throwaway site (WordPress on a fresh SQLite database, the
 * plugin active: see class-vip-presence-test-site.php) and starts the local presence server, both
 * removed when the run ends. Processes of isolated tests (@runInSeparateProcess) inherit
 * VIP_PRESENCE_TEST_RUN and reuse them. Every process then loads WordPress, which loads the plugin
 * as an active plugin.
 *
 * @package vip-presence
 */

/*
 * PHPUnit includes this file from inside a function: the variables WordPress's files set at their top
 * level (wp-config.php's $table_prefix among them) must be globals.
 */
global $wpdb, $table_prefix, $current_site, $current_blog, $wp_rewrite, $shortcode_tags, $wp, $phpmailer, $wp_theme_directories;

require_once __DIR__ . '/class-vip-presence-test-site.php';
require_once __DIR__ . '/class-vip-presence-test-server.php';

$vip_presence_run = getenv( 'VIP_PRESENCE_TEST_RUN' );
if ( false === $vip_presence_run ) {
	$vip_presence_run = sys_get_temp_dir() . '/vip-presence-phpunit-' . bin2hex( random_bytes( 6 ) );
	mkdir( $vip_presence_run, 0700 );
	putenv( 'VIP_PRESENCE_TEST_RUN=' . $vip_presence_run );
	$vip_presence_server = VIP_Presence_Test_Server::start( $vip_presence_run . '/presence-server' );
	register_shutdown_function(
		function () use ( $vip_presence_server, $vip_presence_run ) {
			$vip_presence_server->stop();
			VIP_Presence_Test_Site::remove( $vip_presence_run );
		}
	);
	// An interrupted run cleans up too: exit() runs the shutdown function, a signal's default does not.
	pcntl_async_signals( true );
	foreach ( array( SIGINT, SIGTERM ) as $vip_presence_signal ) {
		pcntl_signal(
			$vip_presence_signal,
			function () {
				exit( 1 );
			}
		);
	}
	VIP_Presence_Test_Site::create( $vip_presence_run, VIP_Presence_Test_Site::is_multisite_run() );
}

/*
 * PHP 8.2 deprecates some signatures of WordPress 6.1's own files as it compiles them (a network's
 * ms-functions.php among them): not the plugin's, and printed they would count as a test's output.
 * The tests' own error handler (VIP_Presence_Test_Case::handle_error()) does the same once loaded.
 */
set_error_handler(
	function ( $level, $message, $file = '' ) use ( $vip_presence_run ) {
		return E_DEPRECATED === $level && 0 === strpos( $file, $vip_presence_run . '/wordpress/' );
	}
);
require_once $vip_presence_run . '/wordpress/wp-load.php';
restore_error_handler();
// The Settings API's messages (add_settings_error()) live here; WordPress loads it on every admin screen.
require_once ABSPATH . 'wp-admin/includes/template.php';
require_once __DIR__ . '/class-vip-presence-test-case.php';

$vip_presence_plugin = VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php';
if ( VIP_Presence_Test_Site::is_multisite_run() !== is_multisite() ) {
	fwrite( STDERR, "vip-presence tests: WordPress is not loaded as the kind of site this run asks for (VIP_PRESENCE_TEST_MULTISITE)\n" );
	exit( 1 );
}
$vip_presence_active = is_multisite()
	? array_key_exists( $vip_presence_plugin, (array) get_site_option( 'active_sitewide_plugins' ) )
	: in_array( $vip_presence_plugin, (array) get_option( 'active_plugins' ), true );
if ( ! defined( 'VIP_PRESENCE_VERSION' ) || ! $vip_presence_active ) {
	fwrite( STDERR, sprintf( "vip-presence tests: WordPress did not load the plugin as an active plugin%s\n", is_multisite() ? ' of the network' : '' ) );
	exit( 1 );
}
if ( isset( $vip_presence_server ) ) {
	fwrite( STDERR, sprintf( "vip-presence tests: WordPress %s%s on SQLite in %s, presence server at %s\n", get_bloginfo( 'version' ), is_multisite() ? ' (a network of ' . get_blog_count() . ' sites)' : '', $vip_presence_run, $vip_presence_server->url() ) );
}
