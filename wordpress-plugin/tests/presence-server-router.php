<?php
/**
 * Router of the local presence server (see class-vip-presence-test-server.php), run by PHP's built-in
 * web server: records each request in requests.json and answers with the first answer of
 * answers.json, or 500 when the test queued none (so an unexpected request fails the test).
 *
 * @package vip-presence
 */

$vip_presence_folder   = (string) getenv( 'VIP_PRESENCE_TEST_SERVER' );
$vip_presence_requests = json_decode( (string) file_get_contents( $vip_presence_folder . '/requests.json' ), true );
$vip_presence_answers  = json_decode( (string) file_get_contents( $vip_presence_folder . '/answers.json' ), true );

$vip_presence_requests[] = array(
	'method'  => $_SERVER['REQUEST_METHOD'],
	'uri'     => $_SERVER['REQUEST_URI'],
	'headers' => array_change_key_case( getallheaders(), CASE_LOWER ),
	'body'    => (string) file_get_contents( 'php://input' ),
);
$vip_presence_answer     = array_shift( $vip_presence_answers );
file_put_contents( $vip_presence_folder . '/requests.json', json_encode( $vip_presence_requests ), LOCK_EX );
file_put_contents( $vip_presence_folder . '/answers.json', json_encode( $vip_presence_answers ), LOCK_EX );

if ( null === $vip_presence_answer ) {
	$vip_presence_answer = array(
		'status' => 500,
		'body'   => 'no answer queued for ' . $_SERVER['REQUEST_URI'],
	);
}
http_response_code( $vip_presence_answer['status'] );
header( 'Content-Type: application/json' );
echo $vip_presence_answer['body']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the body the test queued, byte for byte.
