<?php
/**
 * PHPUnit bootstrap: loads the whole plugin on top of small stubs of the WordPress functions its pure
 * code calls. There is no WordPress here; behaviour inside WordPress is tested end to end (e2e/).
 *
 * @package vip-presence
 */

error_reporting( E_ALL );

define( 'ABSPATH', __DIR__ . '/fake-wordpress/' );

require_once __DIR__ . '/wordpress-stubs.php';
require_once __DIR__ . '/class-vip-presence-test-case.php';
require_once dirname( __DIR__ ) . '/vip-presence.php';
