module.exports = function sharp() {
  throw new Error('sharp is stubbed out in Transformer Flow: image decoding is not used');
};
