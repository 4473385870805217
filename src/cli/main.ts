#!/usr/bin/env node
console.log('ringsense-sync');
