<?php
/**
 * Second step of a multisite run's install (see VIP_Presence_Test_Site::create()), on the network
 * that install-site.php made, once wp-config.php has the multisite constants: network-activates the
 * plugin, as Network Admin > Plugins does, and adds a second site, as Network Admin > Sites > Add New
 * does.
 *
 * Usage: php install-network.php <WordPress folder>
 *
 * @package vip-presence
 */

if ( PHP_SAPI !== 'cli' || empty( $argv[1] ) ) {
	exit( 2 );
}

require_once __DIR__ . '/class-vip-presence-test-site.php';

require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

add_filter( 'pre_wp_mail', '__return_true' );

if ( ! is_multisite() ) {
	fwrite( STDERR, "install-network: WordPress did not load as a network\n" );
	exit( 1 );
}

$vip_presence_activated = activate_plugin( VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php', '', true );
if ( is_wp_error( $vip_presence_activated ) ) {
	fwrite( STDERR, 'install-network: the plugin did not network-activate: ' . $vip_presence_activated->get_error_message() . "\n" );
	exit( 1 );
}

$vip_presence_site = wp_insert_site(
	array(
		'domain'  => VIP_Presence_Test_Site::DOMAIN,
		'path'    => VIP_Presence_Test_Site::SECOND_SITE_PATH,
		'title'   => 'Second site',
		'user_id' => 1,
	)
);
if ( is_wp_error( $vip_presence_site ) ) {
	fwrite( STDERR, 'install-network: the second site was not made: ' . $vip_presence_site->get_error_message() . "\n" );
	exit( 1 );
}
