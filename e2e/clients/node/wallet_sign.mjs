// Sign a message with an ethers wallet (EIP-191 personal_sign), for client
// scripts in other languages: MOAT_WALLET_KEY, MOAT_MESSAGE; prints the
// signature. With no MOAT_MESSAGE it prints a new key and its address.

import { Wallet } from 'ethers';

if (!process.env.MOAT_MESSAGE) {
  const wallet = Wallet.createRandom();
  console.log(JSON.stringify({ key: wallet.privateKey, address: wallet.address }));
} else {
  console.log(await new Wallet(process.env.MOAT_WALLET_KEY).signMessage(process.env.MOAT_MESSAGE));
}
